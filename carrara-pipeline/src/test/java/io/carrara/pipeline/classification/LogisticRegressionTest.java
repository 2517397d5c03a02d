package io.carrara.pipeline.classification;

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

class LogisticRegressionTest {
    @TempDir
    Path temporary;

    private static SavedStages columns(SavedStages stage, String raw, String probability) {
        return stage.param("featuresCol", "features").param("rawPredictionCol", raw).param("probabilityCol", probability)
                .param("predictionCol", "prediction");
    }

    /** Margin = x0 - x1 + 0.5. */
    private SavedStages binomial() {
        return columns(SavedStages.of("org.apache.spark.ml.classification.LogisticRegressionModel"), "rawPrediction", "probability")
                .data(SavedStages.row("numClasses", 2, "numFeatures", 2, "interceptVector", dense(0.5),
                        "coefficientMatrix", DenseMatrix.ofRows(new double[] {1.0, -1.0}), "isMultinomial", false));
    }

    /** Margins x, 0 and -x for three classes. */
    private SavedStages multinomial(String raw, String probability) {
        return columns(SavedStages.of("org.apache.spark.ml.classification.LogisticRegressionModel"), raw, probability)
                .data(SavedStages.row("numClasses", 3, "numFeatures", 1, "interceptVector", dense(0.0, 0.0, 0.0),
                        "coefficientMatrix", DenseMatrix.ofRows(new double[] {1.0}, new double[] {0.0}, new double[] {-1.0}),
                        "isMultinomial", true));
    }

    @Test
    void binomialGivesMinusAndPlusTheMarginItsSigmoidAndThePredictionAtTheThreshold() {
        StageRows rows = StageRows.compile(binomial().load(temporary), new Field("features", DataType.VECTOR));

        Map<String, Object> scored = rows.score("features", dense(2.0, 1.0));

        assertThat(scored).containsEntry("rawPrediction", dense(-1.5, 1.5)).containsEntry("prediction", 1.0);
        double p1 = 1.0 / (1.0 + Math.exp(-1.5));
        assertThat(((Vector) scored.get("probability")).toArray()).containsExactly(new double[] {1 - p1, p1}, within(1e-15));
        StageRows strict = StageRows.compile(binomial().param("threshold", 0.9).load(temporary), new Field("features", DataType.VECTOR));
        assertThat(strict.score("features", dense(2.0, 1.0))).containsEntry("prediction", 0.0);
    }

    @Test
    void multinomialTakesTheArgmaxOrTheLargestProbabilityOverThreshold() {
        StageRows rows = StageRows.compile(multinomial("rawPrediction", "probability").load(temporary), Field.vector("features", 1));
        StageRows withThresholds = StageRows.compile(multinomial("", "probability").param("thresholds", List.of(10.0, 1.0, 1.0))
                .load(temporary), Field.vector("features", 1));

        Map<String, Object> scored = rows.score("features", dense(2.0));
        double sum = Math.exp(2) + 1 + Math.exp(-2);

        assertThat(scored).containsEntry("rawPrediction", dense(2.0, 0.0, -2.0)).containsEntry("prediction", 0.0);
        assertThat(((Vector) scored.get("probability")).toArray())
                .containsExactly(new double[] {Math.exp(2) / sum, 1 / sum, Math.exp(-2) / sum}, within(1e-15));
        // p / t: 0.87 / 10 < 0.12 / 1.
        assertThat(withThresholds.score("features", dense(2.0))).containsEntry("prediction", 1.0).doesNotContainKey("rawPrediction");
    }

    @Test
    void aNullOrMissizedFeatureVectorIsARowError() {
        StageRows rows = StageRows.compile(binomial().load(temporary), new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 2");
        assertThatThrownBy(() -> rows.score("features", dense(1.0, 2.0, 3.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 3; the model expects 2");
    }

    @Test
    void refusesCoefficientsThatDoNotMatchTheClasses() {
        assertThatThrownBy(() -> columns(SavedStages.of("org.apache.spark.ml.classification.LogisticRegressionModel"), "r", "p")
                .data(SavedStages.row("numClasses", 3, "numFeatures", 1, "interceptVector", dense(0.0),
                        "coefficientMatrix", DenseMatrix.ofRows(new double[] {1.0}), "isMultinomial", true)).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("a multinomial model with 3 classes has 1 coefficient rows and 1 intercepts");
    }
}
