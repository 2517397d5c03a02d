package io.carrara.pipeline.classification;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactorizationMachineTest {
    @TempDir
    Path temporary;

    /** b = 1, w = (1, 2, 0), one factor v = (1, 3, 5): r = 1 + w.x + sum over pairs of v_i v_j x_i x_j. */
    private SavedStages machine(String sparkClass) {
        return SavedStages.of(sparkClass).param("featuresCol", "features").param("predictionCol", "prediction")
                .data(SavedStages.row("intercept", 1.0, "linear", dense(1.0, 2.0, 0.0),
                        "factors", DenseMatrix.ofRows(new double[] {1.0}, new double[] {3.0}, new double[] {5.0})));
    }

    @Test
    void theRegressorPredictsTheRawScore() {
        StageRows rows = StageRows.compile(machine("org.apache.spark.ml.regression.FMRegressionModel").load(temporary),
                new Field("features", DataType.VECTOR));

        // 1 + (1 + 4 + 0) + (1*3*1*2 + 1*5*1*1 + 3*5*2*1) = 6 + 41.
        assertThat(rows.score("features", dense(1.0, 2.0, 1.0))).containsEntry("prediction", 47.0);
        assertThat(rows.score("features", sparse(3, new int[] {1}, new double[] {2.0}))).containsEntry("prediction", 5.0);
    }

    @Test
    void theClassifierGivesRawMinusAndPlusRAndTheSigmoid() {
        StageRows rows = StageRows.compile(machine("org.apache.spark.ml.classification.FMClassificationModel")
                .param("rawPredictionCol", "rawPrediction").param("probabilityCol", "probability").load(temporary),
                new Field("features", DataType.VECTOR));

        Map<String, Object> scored = rows.score("features", dense(-2.0, 0.0, 0.0));

        // r = 1 - 2 = -1.
        assertThat(scored).containsEntry("rawPrediction", dense(1.0, -1.0)).containsEntry("prediction", 0.0);
        double s = 1 / (1 + Math.exp(1.0));
        assertThat(((Vector) scored.get("probability")).toArray()).containsExactly(new double[] {1 - s, s}, within(1e-15));
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorAndMismatchedFactorsAModelError() {
        StageRows rows = StageRows.compile(machine("org.apache.spark.ml.regression.FMRegressionModel").load(temporary),
                new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a feature vector");
        assertThatThrownBy(() -> rows.score("features", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 1; the model expects 3");
        assertThatThrownBy(() -> SavedStages.of("org.apache.spark.ml.regression.FMRegressionModel").param("featuresCol", "f")
                .param("predictionCol", "p").data(SavedStages.row("intercept", 0.0, "linear", dense(1.0, 2.0),
                        "factors", DenseMatrix.ofRows(new double[] {1.0}))).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("linear has 2 weights but factors has 1 rows");
    }
}
