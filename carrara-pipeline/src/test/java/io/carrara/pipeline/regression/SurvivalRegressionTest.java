package io.carrara.pipeline.regression;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SurvivalRegressionTest {
    @TempDir
    Path temporary;

    private StageRows survival(String quantilesColumn) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.regression.AFTSurvivalRegressionModel")
                .param("featuresCol", "features").param("predictionCol", "prediction").param("quantilesCol", quantilesColumn)
                .param("quantileProbabilities", List.of(0.5, 1 - Math.exp(-1)))
                .data(SavedStages.row("coefficients", dense(1.0, -1.0), "intercept", 0.5, "scale", 2.0)).load(temporary),
                new Field("features", DataType.VECTOR));
    }

    @Test
    void predictsExpOfTheLinearPredictorAndScalesItForEachQuantile() {
        Map<String, Object> scored = survival("quantiles").score("features", dense(2.0, 1.5));

        // exp(2 - 1.5 + 0.5) = e; quantile q multiplies by (-log(1 - q))^scale: (log 2)^2, and 1 for q = 1 - 1/e.
        assertThat((Double) scored.get("prediction")).isCloseTo(Math.E, within(1e-15));
        assertThat(((Vector) scored.get("quantiles")).toArray())
                .containsExactly(new double[] {Math.E * Math.pow(Math.log(2), 2), Math.E}, within(1e-12));
        assertThat(survival("").score("features", dense(2.0, 1.5))).doesNotContainKey("quantiles");
    }

    @Test
    void aNullOrMissizedVectorIsARowError() {
        assertThatThrownBy(() -> survival("").score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 2");
        assertThatThrownBy(() -> survival("").score("features", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 1; the model expects 2");
    }
}
