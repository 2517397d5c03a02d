package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.Set;

/**
 * Spark's {@code MaxAbsScalerModel}: each feature multiplied by 1/max|x| (by 1 where that is 0),
 * through the same function as StandardScaler's scaling, so sparse input stays sparse.
 */
public final class MaxAbsScaler implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final double[] scale;

    private MaxAbsScaler(String description, String inputColumn, String outputColumn, Vector maxAbs) {
        this.description = description;
        this.inputColumn = inputColumn;
        this.outputColumn = outputColumn;
        this.scale = maxAbs.toArray();
        for (int i = 0; i < scale.length; i++) {
            scale[i] = scale[i] == 0 ? 1.0 : 1 / scale[i];
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.MaxAbsScalerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new MaxAbsScaler(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"),
                    saved.singleDataRecord().getVector("maxAbs"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int size = scale.length;
        VectorInput input = VectorInput.bind(binder, inputColumn, size);
        int outputSlot = binder.vectorOutput(outputColumn, size).slot();
        return frame -> {
            Vector vector = input.read(frame);
            if (vector instanceof SparseVector) {
                int[] indices = new int[vector.activeCount()];
                double[] values = new double[indices.length];
                for (int k = 0; k < indices.length; k++) {
                    indices[k] = vector.activeIndex(k);
                    values[k] = vector.activeValue(k) * scale[indices[k]];
                }
                frame.setObject(outputSlot, new SparseVector(size, indices, values));
            } else {
                double[] values = vector.toArray();
                for (int i = 0; i < size; i++) {
                    values[i] *= scale[i];
                }
                frame.setObject(outputSlot, new DenseVector(values));
            }
            return true;
        };
    }
}
