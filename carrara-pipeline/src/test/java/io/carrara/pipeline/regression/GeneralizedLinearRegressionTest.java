package io.carrara.pipeline.regression;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneralizedLinearRegressionTest {
    @TempDir
    Path temporary;

    /** eta = x0 - x1 + 0.5 (+ offset). */
    private SavedStages glm(String family) {
        return SavedStages.of("org.apache.spark.ml.regression.GeneralizedLinearRegressionModel").param("family", family)
                .param("featuresCol", "features").param("predictionCol", "prediction").param("linkPredictionCol", "eta")
                .data(SavedStages.row("intercept", 0.5, "coefficients", dense(1.0, -1.0)));
    }

    private double predict(SavedStages stage, double x0, double x1) {
        return (Double) StageRows.compile(stage.load(temporary), new Field("features", DataType.VECTOR))
                .score("features", dense(x0, x1)).get("prediction");
    }

    @Test
    void eachFamilyUnlinksTheLinearPredictorWithItsDefaultLink() {
        Map<String, Object> gaussian = StageRows.compile(glm("gaussian").load(temporary), new Field("features", DataType.VECTOR))
                .score("features", dense(2.0, 1.0));

        assertThat(gaussian).containsEntry("eta", 1.5).containsEntry("prediction", 1.5);
        assertThat(predict(glm("poisson"), 2.0, 1.0)).isCloseTo(Math.exp(1.5), within(1e-12));
        assertThat(predict(glm("binomial"), 2.0, 1.0)).isCloseTo(1 / (1 + Math.exp(-1.5)), within(1e-15));
        assertThat(predict(glm("gamma"), 2.0, 1.0)).isCloseTo(1 / 1.5, within(1e-15));
    }

    @Test
    void aSetLinkOrTweediePowerReplacesTheDefault() {
        assertThat(predict(glm("gaussian").param("link", "log"), 2.0, 1.0)).isCloseTo(Math.exp(1.5), within(1e-12));
        assertThat(predict(glm("poisson").param("link", "sqrt"), 2.0, 1.0)).isEqualTo(2.25);
        assertThat(predict(glm("binomial").param("link", "cloglog"), 2.0, 1.0)).isCloseTo(1 - Math.exp(-Math.exp(1.5)), within(1e-15));
        // Tweedie with variance power 1.5 defaults to link power 1 - 1.5 = -0.5: mu = eta^(1 / -0.5).
        assertThat(predict(glm("tweedie").param("variancePower", 1.5), 2.0, 0.0)).isCloseTo(Math.pow(2.5, -2), within(1e-15));
        assertThat(predict(glm("tweedie").param("variancePower", 0.0).param("linkPower", 0.0), 2.0, 1.0)).isCloseTo(Math.exp(1.5), within(1e-12));
    }

    @Test
    void predictionsAreProjectedIntoTheFamilysRange() {
        // A binomial mean never reaches 0 or 1; a poisson mean stays above 0.
        assertThat(predict(glm("binomial"), 1000.0, 0.0)).isEqualTo(1.0 - 1e-16);
        assertThat(predict(glm("poisson").param("link", "identity"), -10.0, 0.0)).isEqualTo(1e-16);
    }

    @Test
    void anOffsetAddsToTheLinearPredictorAndANullOffsetGivesNullOutputs() {
        StageRows rows = StageRows.compile(glm("gaussian").param("offsetCol", "offset").load(temporary),
                new Field("features", DataType.VECTOR), new Field("offset", DataType.DOUBLE));

        assertThat(rows.score("features", dense(2.0, 1.0), "offset", 1.0)).containsEntry("eta", 2.5).containsEntry("prediction", 2.5);
        assertThat(rows.score("features", dense(2.0, 1.0), "offset", null)).containsEntry("eta", null).containsEntry("prediction", null);
    }

    @Test
    void aNullVectorIsARowErrorAndAnUnknownFamilyOrLinkAModelError() {
        assertThatThrownBy(() -> StageRows.compile(glm("gaussian").load(temporary), new Field("features", DataType.VECTOR)).score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 2");
        assertThatThrownBy(() -> glm("laplace").load(temporary)).isInstanceOf(ModelException.class).hasMessageContaining("family is 'laplace'");
        assertThatThrownBy(() -> glm("gaussian").param("link", "tan").load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("link is 'tan'");
    }
}
