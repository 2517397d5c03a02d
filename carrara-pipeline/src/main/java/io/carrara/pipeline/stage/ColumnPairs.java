package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.format.Params;
import java.util.List;

/**
 * The input and output column names of a stage that takes either {@code inputCol}/{@code outputCol}
 * or {@code inputCols}/{@code outputCols}, resolved as Spark's {@code getInOutCols} does: the single
 * form wins when {@code inputCol} is set.
 */
public record ColumnPairs(List<String> inputs, List<String> outputs) {
    public ColumnPairs {
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        if (inputs.size() != outputs.size()) {
            throw new IllegalArgumentException("inputs and outputs differ in number: " + inputs + " and " + outputs);
        }
    }

    public static ColumnPairs from(Params params) {
        if (params.isSet("inputCol")) {
            if (params.isSet("inputCols")) {
                throw params.invalid("both inputCol and inputCols are set");
            }
            return new ColumnPairs(List.of(params.getString("inputCol")), List.of(params.getString("outputCol")));
        }
        if (!params.isDefined("inputCols")) {
            throw params.invalid("neither inputCol nor inputCols is set");
        }
        List<String> inputs = params.getStringList("inputCols");
        List<String> outputs = params.getStringList("outputCols");
        if (inputs.size() != outputs.size()) {
            throw params.invalid("inputCols has " + inputs.size() + " columns but outputCols has " + outputs.size());
        }
        return new ColumnPairs(inputs, outputs);
    }

    public int size() {
        return inputs.size();
    }
}
