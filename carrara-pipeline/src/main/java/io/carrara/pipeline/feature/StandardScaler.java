package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Set;

/**
 * Spark's {@code StandardScalerModel}: {@code (x - mean) * (1 / std)}, with a zero factor where the
 * std is zero. Spark multiplies by the precomputed reciprocal rather than dividing, and so do we,
 * to give the same bits. Centering makes the output dense; scaling alone keeps a sparse input sparse.
 */
public final class StandardScaler implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final double[] shift;
    private final double[] scale;
    private final boolean withMean;
    private final boolean withStd;
    private final int size;

    private StandardScaler(String description, String inputColumn, String outputColumn, Vector mean, Vector std,
                           boolean withMean, boolean withStd) {
        this.description = description;
        this.inputColumn = inputColumn;
        this.outputColumn = outputColumn;
        this.withMean = withMean;
        this.withStd = withStd;
        this.size = mean.size();
        this.shift = mean.toArray();
        this.scale = std.toArray();
        for (int i = 0; i < scale.length; i++) {
            scale[i] = scale[i] == 0.0 ? 0.0 : 1.0 / scale[i];
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.StandardScalerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            Vector mean = data.getVector("mean");
            Vector std = data.getVector("std");
            if (mean.size() != std.size()) {
                throw saved.params().invalid("mean has " + mean.size() + " values but std has " + std.size());
            }
            return new StandardScaler(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"),
                    mean, std, saved.params().getBoolean("withMean"), saved.params().getBoolean("withStd"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        Column input = binder.input(inputColumn, DataType.VECTOR);
        if (input.vectorSize().isPresent() && input.vectorSize().getAsInt() != size) {
            throw binder.mismatch("input column '" + inputColumn + "' holds vectors of size " + input.vectorSize().getAsInt()
                    + " but the scaler was fitted on size " + size);
        }
        int inputSlot = input.slot();
        int outputSlot = binder.vectorOutput(outputColumn, size).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                if (withMean || withStd) {
                    throw new RowException(inputColumn, "null in column " + inputColumn + "; StandardScaler needs a vector of size " + size);
                }
                frame.setNull(outputSlot);
                return true;
            }
            Vector vector = frame.getVector(inputSlot);
            if (vector.size() != size) {
                throw new RowException(inputColumn, "column " + inputColumn + " holds a vector of size " + vector.size()
                        + "; the scaler was fitted on size " + size);
            }
            frame.setObject(outputSlot, shiftAndScale(vector, shift, scale, withMean, withStd));
            return true;
        };
    }

    /**
     * Spark's {@code StandardScalerModel.getTransformFunc}, which RobustScaler and MaxAbsScaler
     * share: shifting makes the output dense, scaling alone keeps a sparse vector sparse.
     */
    static Vector shiftAndScale(Vector vector, double[] shift, double[] scale, boolean withShift, boolean withScale) {
        int size = vector.size();
        if (withShift) {
            double[] values = vector.toArray();
            for (int i = 0; i < values.length; i++) {
                values[i] = withScale ? (values[i] - shift[i]) * scale[i] : values[i] - shift[i];
            }
            return new DenseVector(values);
        }
        if (!withScale) {
            return vector;
        }
        if (vector instanceof SparseVector) {
            int[] indices = new int[vector.activeCount()];
            double[] values = new double[indices.length];
            for (int k = 0; k < indices.length; k++) {
                indices[k] = vector.activeIndex(k);
                values[k] = vector.activeValue(k) * scale[indices[k]];
            }
            return new SparseVector(size, indices, values);
        }
        double[] values = vector.toArray();
        for (int i = 0; i < values.length; i++) {
            values[i] *= scale[i];
        }
        return new DenseVector(values);
    }
}
