package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.ColumnPairs;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Set;

/**
 * Spark's {@code ImputerModel} (any strategy: the surrogates are fitted already): a null, or a
 * value equal to {@code missingValue} (NaN by default, and NaN equals NaN in Spark SQL), becomes
 * the column's surrogate, cast back to the input column's type.
 */
public final class Imputer implements Stage {
    private final String description;
    private final ColumnPairs columns;
    private final double[] surrogates;
    private final double missingValue;

    private Imputer(String description, ColumnPairs columns, double[] surrogates, double missingValue) {
        this.description = description;
        this.columns = columns;
        this.surrogates = surrogates;
        this.missingValue = missingValue;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.ImputerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            ColumnPairs columns = ColumnPairs.from(saved.params());
            // The surrogate row has one double column per input column, named after it.
            DataRecord surrogateRow = saved.singleDataRecord();
            double[] surrogates = new double[columns.size()];
            for (int i = 0; i < surrogates.length; i++) {
                surrogates[i] = surrogateRow.getDouble(columns.inputs().get(i));
            }
            return new Imputer(saved.description(), columns, surrogates, saved.params().getDouble("missingValue"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int count = columns.size();
        int[] inputSlots = new int[count];
        int[] outputSlots = new int[count];
        double[] replacements = new double[count];
        for (int i = 0; i < count; i++) {
            Column input = binder.numericInput(columns.inputs().get(i));
            if (input.type() == DataType.BOOLEAN) {
                throw binder.mismatch("input column '" + input.name() + "' is BOOLEAN; Imputer takes numeric columns");
            }
            inputSlots[i] = input.slot();
            outputSlots[i] = binder.output(columns.outputs().get(i), input.type()).slot();
            replacements[i] = castTo(input.type(), surrogates[i]);
        }
        boolean missingIsNaN = Double.isNaN(missingValue);
        return frame -> {
            for (int i = 0; i < count; i++) {
                int slot = inputSlots[i];
                if (frame.isNull(slot)) {
                    frame.setDouble(outputSlots[i], replacements[i]);
                    continue;
                }
                double value = frame.getDouble(slot);
                boolean missing = missingIsNaN ? Double.isNaN(value) : value == missingValue;
                frame.setDouble(outputSlots[i], missing ? replacements[i] : value);
            }
            return true;
        };
    }

    /** Spark casts the double surrogate back to the column's type, truncating toward zero for integers. */
    private static double castTo(DataType type, double surrogate) {
        return switch (type) {
            case BYTE, SHORT, INTEGER, LONG -> (double) (long) surrogate;
            case FLOAT -> (float) surrogate;
            default -> surrogate;
        };
    }
}
