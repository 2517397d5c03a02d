package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.List;
import java.util.Set;

/**
 * Spark's {@code Binarizer}, single- or multi-column: 1.0 above the threshold, else 0.0. A double
 * that is null or NaN gives 0.0 (Spark's {@code when} treats the null condition as false); a
 * vector is binarized element-wise and stored by Spark's size rule.
 */
public final class Binarizer implements Stage {
    private final String description;
    private final List<String> inputColumns;
    private final List<String> outputColumns;
    private final double[] thresholds;

    private Binarizer(String description, List<String> inputColumns, List<String> outputColumns, double[] thresholds) {
        this.description = description;
        this.inputColumns = inputColumns;
        this.outputColumns = outputColumns;
        this.thresholds = thresholds;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.Binarizer");
        }

        @Override
        public Stage load(SavedStage saved) {
            Params params = saved.params();
            if (!params.isSet("inputCols")) {
                return new Binarizer(saved.description(), List.of(params.getString("inputCol")), List.of(params.getString("outputCol")),
                        new double[] {params.getDouble("threshold")});
            }
            List<String> inputs = params.getStringList("inputCols");
            List<String> outputs = params.getStringList("outputCols");
            double[] thresholds;
            if (params.isSet("thresholds")) {
                thresholds = params.getDoubleArray("thresholds");
            } else {
                thresholds = new double[inputs.size()];
                java.util.Arrays.fill(thresholds, params.getDouble("threshold"));
            }
            if (inputs.size() != outputs.size() || inputs.size() != thresholds.length) {
                throw params.invalid("inputCols, outputCols and thresholds differ in length");
            }
            return new Binarizer(saved.description(), inputs, outputs, thresholds);
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
            inputs[i] = binder.input(inputColumns.get(i), DataType.DOUBLE, DataType.VECTOR);
            outputSlots[i] = inputs[i].type() == DataType.VECTOR
                    ? binder.vectorOutput(outputColumns.get(i), inputs[i].vectorSize()).slot()
                    : binder.output(outputColumns.get(i), DataType.DOUBLE).slot();
        }
        return frame -> {
            for (int i = 0; i < count; i++) {
                int slot = inputs[i].slot();
                double threshold = thresholds[i];
                if (inputs[i].type() != DataType.VECTOR) {
                    frame.setDouble(outputSlots[i], !frame.isNull(slot) && frame.getDouble(slot) > threshold ? 1.0 : 0.0);
                } else if (frame.isNull(slot)) {
                    throw new RowException(inputs[i].name(), "null in column " + inputs[i].name() + "; Binarizer needs a vector");
                } else {
                    frame.setObject(outputSlots[i], binarize(frame.getVector(slot), threshold));
                }
            }
            return true;
        };
    }

    private static Vector binarize(Vector vector, double threshold) {
        double[] values = new double[vector.size()];
        if (threshold >= 0) {
            for (int k = 0; k < vector.activeCount(); k++) {
                if (vector.activeValue(k) > threshold) {
                    values[vector.activeIndex(k)] = 1.0;
                }
            }
            return Vector.compressed(values);
        }
        // Spark starts from all ones, since an implicit zero is above a negative threshold, and
        // clears the stored non-zeros at or below it (so NaN stays 1.0).
        java.util.Arrays.fill(values, 1.0);
        for (int k = 0; k < vector.activeCount(); k++) {
            double value = vector.activeValue(k);
            if (value != 0.0 && value <= threshold) {
                values[vector.activeIndex(k)] = 0.0;
            }
        }
        return Vector.compressed(values);
    }
}
