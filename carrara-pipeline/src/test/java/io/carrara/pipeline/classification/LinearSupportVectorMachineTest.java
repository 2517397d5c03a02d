package io.carrara.pipeline.classification;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearSupportVectorMachineTest {
    @TempDir
    Path temporary;

    private StageRows svm(double threshold) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.classification.LinearSVCModel")
                .param("featuresCol", "features").param("rawPredictionCol", "rawPrediction").param("predictionCol", "prediction")
                .param("threshold", threshold)
                .data(SavedStages.row("coefficients", dense(2.0, -1.0), "intercept", -1.0)).load(temporary),
                new Field("features", DataType.VECTOR));
    }

    @Test
    void givesMinusAndPlusTheMarginAndPredictsOneAboveTheThreshold() {
        // margin = 2 * 1 - 1 * 0.5 - 1 = 0.5
        assertThat(svm(0.0).score("features", dense(1.0, 0.5))).containsEntry("rawPrediction", dense(-0.5, 0.5))
                .containsEntry("prediction", 1.0).doesNotContainKey("probability");
        assertThat(svm(0.5).score("features", dense(1.0, 0.5))).containsEntry("prediction", 0.0);
    }

    @Test
    void aNullOrMissizedFeatureVectorIsARowError() {
        assertThatThrownBy(() -> svm(0.0).score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 2");
        assertThatThrownBy(() -> svm(0.0).score("features", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 1; the model expects 2");
    }
}
