package io.carrara.pipeline.regression;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsotonicRegressionTest {
    @TempDir
    Path temporary;

    private StageRows isotonic(Field features, int featureIndex) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.regression.IsotonicRegressionModel")
                .param("featuresCol", "x").param("predictionCol", "prediction").param("featureIndex", featureIndex)
                .data(SavedStages.row("boundaries", List.of(1.0, 3.0, 5.0), "predictions", List.of(10.0, 20.0, 40.0))).load(temporary),
                features);
    }

    @Test
    void interpolatesBetweenBoundariesAndIsFlatBeyondThem() {
        StageRows rows = isotonic(new Field("x", DataType.DOUBLE), 0);

        assertThat(rows.score("x", 3.0)).containsEntry("prediction", 20.0);
        assertThat(rows.score("x", 2.0)).containsEntry("prediction", 15.0);
        assertThat(rows.score("x", 4.5)).containsEntry("prediction", 35.0);
        assertThat(rows.score("x", -100.0)).containsEntry("prediction", 10.0);
        assertThat(rows.score("x", 100.0)).containsEntry("prediction", 40.0);
        assertThat(rows.score("x", null)).containsEntry("prediction", null);
    }

    @Test
    void readsTheFeatureIndexOfAVectorAndRefusesANullOrShortOne() {
        StageRows rows = isotonic(new Field("x", DataType.VECTOR), 1);

        assertThat(rows.score("x", dense(100.0, 4.0))).containsEntry("prediction", 30.0);
        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; isotonic regression needs a vector");
        assertThatThrownBy(() -> rows.score("x", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 1; the model reads feature 1");
    }

    @Test
    void refusesBoundariesAndPredictionsOfDifferentLengths() {
        assertThatThrownBy(() -> SavedStages.of("org.apache.spark.ml.regression.IsotonicRegressionModel")
                .param("featuresCol", "x").param("predictionCol", "prediction").param("featureIndex", 0)
                .data(SavedStages.row("boundaries", List.of(1.0, 3.0), "predictions", List.of(10.0))).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("boundaries and predictions differ in length or are empty");
    }
}
