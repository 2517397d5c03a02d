package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.OptionalInt;
import java.util.Set;

/** Spark's {@code Normalizer}: each vector divided by its p-norm over the stored values; a zero norm leaves it unchanged. */
public final class Normalizer extends VectorMapping {
    private final double p;

    private Normalizer(SavedStage saved) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.p = saved.params().getDouble("p");
        if (!(p >= 1.0)) {
            throw saved.params().invalid("p is " + p + "; Spark requires p >= 1");
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.Normalizer");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new Normalizer(saved);
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return inputSize;
    }

    @Override
    String stageName() {
        return "Normalizer";
    }

    @Override
    Vector map(Vector vector) {
        double norm = norm(vector);
        if (norm == 0.0) {
            return vector;
        }
        int count = vector.activeCount();
        double[] values = new double[count];
        for (int k = 0; k < count; k++) {
            values[k] = vector.activeValue(k) / norm;
        }
        if (vector instanceof DenseVector) {
            return new DenseVector(values);
        }
        int[] indices = new int[count];
        for (int k = 0; k < count; k++) {
            indices[k] = vector.activeIndex(k);
        }
        return new SparseVector(vector.size(), indices, values);
    }

    /** Spark's {@code Vectors.norm}, summing in the stored order. */
    private double norm(Vector vector) {
        int count = vector.activeCount();
        double sum = 0.0;
        if (p == 1) {
            for (int k = 0; k < count; k++) {
                sum += Math.abs(vector.activeValue(k));
            }
            return sum;
        }
        if (p == 2) {
            for (int k = 0; k < count; k++) {
                sum += vector.activeValue(k) * vector.activeValue(k);
            }
            return Math.sqrt(sum);
        }
        if (p == Double.POSITIVE_INFINITY) {
            double max = 0.0;
            for (int k = 0; k < count; k++) {
                double value = Math.abs(vector.activeValue(k));
                if (value > max) {
                    max = value;
                }
            }
            return max;
        }
        for (int k = 0; k < count; k++) {
            sum += Math.pow(Math.abs(vector.activeValue(k)), p);
        }
        return Math.pow(sum, 1.0 / p);
    }
}
