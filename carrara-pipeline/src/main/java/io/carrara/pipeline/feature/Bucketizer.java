package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.InvalidHandling;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Spark's {@code Bucketizer}, single- or multi-column, which is also what a fitted
 * {@code QuantileDiscretizer} saves: the index of the split interval holding the value, the last
 * split closing the last bucket. NaN goes to an extra bucket with {@code keep}, drops the row
 * with {@code skip} (as do nulls), fails it with {@code error}; a null gives a null bucket
 * otherwise; a value outside the splits fails the row whatever {@code handleInvalid} says.
 */
public final class Bucketizer implements Stage {
    private final String description;
    private final List<String> inputColumns;
    private final List<String> outputColumns;
    private final double[][] splits;
    private final InvalidHandling handling;

    private Bucketizer(String description, List<String> inputColumns, List<String> outputColumns, double[][] splits,
                       InvalidHandling handling) {
        this.description = description;
        this.inputColumns = inputColumns;
        this.outputColumns = outputColumns;
        this.splits = splits;
        this.handling = handling;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.Bucketizer");
        }

        @Override
        public Stage load(SavedStage saved) {
            Params params = saved.params();
            InvalidHandling handling = InvalidHandling.from(params, InvalidHandling.values());
            if (params.isSet("inputCols")) {
                List<String> inputs = params.getStringList("inputCols");
                List<String> outputs = params.getStringList("outputCols");
                double[][] splitsArray = params.getDoubleArrayArray("splitsArray");
                if (inputs.size() != outputs.size() || inputs.size() != splitsArray.length) {
                    throw params.invalid("inputCols, outputCols and splitsArray differ in length");
                }
                Arrays.stream(splitsArray).forEach(splits -> check(params, splits));
                return new Bucketizer(saved.description(), inputs, outputs, splitsArray, handling);
            }
            double[] splits = check(params, params.getDoubleArray("splits"));
            return new Bucketizer(saved.description(), List.of(params.getString("inputCol")), List.of(params.getString("outputCol")),
                    new double[][] {splits}, handling);
        }

        private static double[] check(Params params, double[] splits) {
            for (int i = 1; i < splits.length; i++) {
                if (!(splits[i] > splits[i - 1])) {
                    throw params.invalid("splits must increase strictly: " + Arrays.toString(splits));
                }
            }
            if (splits.length < 3) {
                throw params.invalid("splits need at least three values: " + Arrays.toString(splits));
            }
            return splits;
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int count = inputColumns.size();
        Column[] inputs = new Column[count];
        int[] outputSlots = new int[count];
        for (int i = 0; i < count; i++) {
            inputs[i] = binder.numericInput(inputColumns.get(i));
            outputSlots[i] = binder.output(outputColumns.get(i), DataType.DOUBLE).slot();
        }
        boolean skip = handling == InvalidHandling.SKIP;
        boolean keep = handling == InvalidHandling.KEEP;
        return frame -> {
            if (skip) {
                for (Column input : inputs) {
                    if (frame.isNull(input.slot()) || Double.isNaN(frame.getDouble(input.slot()))) {
                        return false;
                    }
                }
            }
            for (int i = 0; i < count; i++) {
                int slot = inputs[i].slot();
                if (frame.isNull(slot)) {
                    frame.setNull(outputSlots[i]);
                } else {
                    frame.setDouble(outputSlots[i], bucket(inputs[i].name(), splits[i], frame.getDouble(slot), keep));
                }
            }
            return true;
        };
    }

    private static double bucket(String column, double[] splits, double value, boolean keep) {
        if (Double.isNaN(value)) {
            if (keep) {
                return splits.length - 1;
            }
            throw new RowException(column, "NaN in column " + column + "; set handleInvalid=keep to bucket it or handleInvalid=skip to drop such rows");
        }
        if (value == splits[splits.length - 1]) {
            return splits.length - 2;
        }
        int index = Arrays.binarySearch(splits, value);
        if (index >= 0) {
            return index;
        }
        int insertion = -index - 1;
        if (insertion == 0 || insertion == splits.length) {
            throw new RowException(column, "value " + value + " in column " + column + " is outside the Bucketizer's splits ["
                    + splits[0] + ", " + splits[splits.length - 1] + "]; use -Infinity and Infinity as the outer splits to accept it");
        }
        return insertion - 1;
    }
}
