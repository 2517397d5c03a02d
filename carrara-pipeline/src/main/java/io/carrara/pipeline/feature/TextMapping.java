package io.carrara.pipeline.feature;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.RowException;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import java.util.List;

/**
 * A text stage that is a Scala UDF in Spark over a string or a string array, producing a string
 * array; a null input fails the row as the UDF does.
 */
abstract class TextMapping implements Stage {
    private final String description;
    private final List<String> inputColumns;
    private final List<String> outputColumns;

    TextMapping(String description, List<String> inputColumns, List<String> outputColumns) {
        this.description = requireNonNull(description, "description is null");
        this.inputColumns = List.copyOf(inputColumns);
        this.outputColumns = List.copyOf(outputColumns);
    }

    @Override
    public final String description() {
        return description;
    }

    abstract DataType inputType();

    abstract List<String> map(Object input);

    abstract String stageName();

    @Override
    public final RowOperation compile(StageBinder binder) {
        int count = inputColumns.size();
        int[] inputSlots = new int[count];
        int[] outputSlots = new int[count];
        for (int i = 0; i < count; i++) {
            Column input = binder.input(inputColumns.get(i), inputType());
            inputSlots[i] = input.slot();
            outputSlots[i] = binder.output(outputColumns.get(i), DataType.STRING_ARRAY).slot();
        }
        return frame -> {
            for (int i = 0; i < count; i++) {
                if (frame.isNull(inputSlots[i])) {
                    throw new RowException(inputColumns.get(i), "null in column " + inputColumns.get(i) + "; " + stageName()
                            + " needs " + (inputType() == DataType.STRING ? "a string" : "an array of strings"));
                }
                frame.setObject(outputSlots[i], map(frame.getObject(inputSlots[i])));
            }
            return true;
        };
    }
}
