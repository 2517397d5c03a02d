package io.carrara.pipeline.clustering;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.SavedStages.DenseMatrix;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaussianMixtureTest {
    private static final double EPSILON = Math.ulp(1.0);

    @TempDir
    Path temporary;

    private SavedStages mixture(List<Double> weights, List<Vector> means, List<DenseMatrix> covariances) {
        return SavedStages.of("org.apache.spark.ml.clustering.GaussianMixtureModel")
                .param("featuresCol", "features").param("predictionCol", "cluster").param("probabilityCol", "probability")
                .data(SavedStages.row("weights", weights, "mus", means, "sigmas", covariances));
    }

    /** Two unit-variance components at 0 and 4, weighted 0.25 and 0.75. */
    private StageRows oneDimensional() {
        return StageRows.compile(mixture(List.of(0.25, 0.75), List.of(dense(0.0), dense(4.0)),
                List.of(DenseMatrix.ofRows(new double[] {1.0}), DenseMatrix.ofRows(new double[] {1.0}))).load(temporary),
                new Field("features", DataType.VECTOR));
    }

    private static double density(double x, double mean) {
        return Math.exp(-0.5 * (x - mean) * (x - mean)) / Math.sqrt(2 * Math.PI);
    }

    @Test
    void theProbabilityOfEachComponentIsItsWeightedDensityNormalized() {
        Map<String, Object> scored = oneDimensional().score("features", dense(1.0));

        double first = EPSILON + 0.25 * density(1.0, 0.0);
        double second = EPSILON + 0.75 * density(1.0, 4.0);
        assertThat(((Vector) scored.get("probability")).toArray())
                .containsExactly(new double[] {first / (first + second), second / (first + second)}, within(1e-12));
        assertThat(scored).containsEntry("cluster", 0);
        assertThat(oneDimensional().score("features", dense(2.5))).containsEntry("cluster", 1);
    }

    @Test
    void aSingularCovarianceUsesThePseudoInverseAndPseudoDeterminant() {
        // [[1, 1], [1, 1]] has eigenvalues 2 and 0: the density lives on the line x0 = x1.
        StageRows rows = StageRows.compile(mixture(List.of(0.5, 0.5), List.of(dense(0.0, 0.0), dense(10.0, 10.0)),
                List.of(DenseMatrix.ofRows(new double[] {1.0, 1.0}, new double[] {1.0, 1.0}),
                        DenseMatrix.ofRows(new double[] {1.0, 1.0}, new double[] {1.0, 1.0}))).load(temporary),
                new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(1.0, 1.0))).containsEntry("cluster", 0);
        assertThat(rows.score("features", dense(9.0, 9.0))).containsEntry("cluster", 1);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorAndAZeroCovarianceAModelError() {
        StageRows rows = oneDimensional();

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 1");
        assertThatThrownBy(() -> rows.score("features", dense(1.0, 2.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 2; the model expects 1");
        assertThatThrownBy(() -> mixture(List.of(1.0), List.of(dense(0.0)), List.of(DenseMatrix.ofRows(new double[] {0.0}))).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("covariance matrix 0 has no non-zero eigenvalues");
    }
}
