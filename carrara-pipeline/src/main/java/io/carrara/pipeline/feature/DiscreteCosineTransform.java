package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Spark's {@code DCT}: the orthonormal DCT-II of the vector ({@code inverse}: DCT-III), which Spark
 * computes with JTransforms' scaled transform. Computed here by its definition, O(n^2), which
 * agrees to rounding for the short vectors DCT is used on.
 */
public final class DiscreteCosineTransform extends VectorMapping {
    private final boolean inverse;

    private DiscreteCosineTransform(SavedStage saved) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.inverse = saved.params().getBoolean("inverse");
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.DCT");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new DiscreteCosineTransform(saved);
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return inputSize;
    }

    @Override
    String stageName() {
        return "DCT";
    }

    @Override
    Vector map(Vector vector) {
        double[] x = vector.toArray();
        int n = x.length;
        double[] result = new double[n];
        double first = Math.sqrt(1.0 / n);
        double rest = Math.sqrt(2.0 / n);
        for (int k = 0; k < n; k++) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                if (inverse) {
                    sum += (i == 0 ? first : rest) * x[i] * Math.cos(Math.PI * (2 * k + 1) * i / (2.0 * n));
                } else {
                    sum += x[i] * Math.cos(Math.PI * (2 * i + 1) * k / (2.0 * n));
                }
            }
            result[k] = inverse ? sum : (k == 0 ? first : rest) * sum;
        }
        return new DenseVector(result);
    }
}
