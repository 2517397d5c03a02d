package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Matrix;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.OptionalInt;
import java.util.Set;

/** Spark's {@code PCAModel}: the projection {@code pc^T x} onto the k principal components, as a dense vector. */
public final class PrincipalComponents extends VectorMapping {
    /** pc^T as k rows of numFeatures values. */
    private final double[][] rows;
    private final int numFeatures;

    private PrincipalComponents(SavedStage saved, Matrix pc) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.numFeatures = pc.numRows();
        this.rows = new double[pc.numCols()][numFeatures];
        for (int component = 0; component < rows.length; component++) {
            for (int feature = 0; feature < numFeatures; feature++) {
                rows[component][feature] = pc.get(feature, component);
            }
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.PCAModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new PrincipalComponents(saved, saved.singleDataRecord().getMatrix("pc"));
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return OptionalInt.of(rows.length);
    }

    @Override
    String stageName() {
        return "PCA";
    }

    @Override
    String invalid(Vector vector) {
        return vector.size() == numFeatures ? null : "holds a vector of size " + vector.size() + "; PCA was fitted on size " + numFeatures;
    }

    @Override
    Vector map(Vector vector) {
        double[] projected = new double[rows.length];
        for (int component = 0; component < rows.length; component++) {
            double[] row = rows[component];
            double sum = 0.0;
            for (int k = 0; k < vector.activeCount(); k++) {
                sum += row[vector.activeIndex(k)] * vector.activeValue(k);
            }
            projected[component] = sum;
        }
        return new DenseVector(projected);
    }
}
