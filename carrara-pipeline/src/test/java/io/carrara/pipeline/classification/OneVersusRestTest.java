package io.carrara.pipeline.classification;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.SavedStages.DenseMatrix;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneVersusRestTest {
    @TempDir
    Path temporary;

    /** A binary logistic regression with margin w * x, saved as OneVsRest saves its models. */
    private static SavedStages binary(double w, String rawColumn) {
        return SavedStages.of("org.apache.spark.ml.classification.LogisticRegressionModel").uid("logreg_" + (w > 0 ? "up" : "down"))
                .param("featuresCol", "features").param("rawPredictionCol", rawColumn).param("probabilityCol", "probability")
                .param("predictionCol", "prediction")
                .data(SavedStages.row("numClasses", 2, "numFeatures", 1, "interceptVector", dense(0.0),
                        "coefficientMatrix", DenseMatrix.ofRows(new double[] {w}), "isMultinomial", false));
    }

    private SavedStages oneVersusRest(String rawColumn) {
        return SavedStages.of("org.apache.spark.ml.classification.OneVsRestModel").metadataField("numClasses", 2)
                .param("featuresCol", "x").param("rawPredictionCol", "rawPrediction").param("predictionCol", "prediction")
                .nestedStage("model_0", binary(1.0, rawColumn)).nestedStage("model_1", binary(-1.0, rawColumn));
    }

    @Test
    void theRawPredictionHoldsEachModelsConfidenceAndThePredictionTheLargest() {
        StageRows rows = StageRows.compile(oneVersusRest("rawPrediction").load(temporary), new Field("x", DataType.VECTOR));

        assertThat(rows.score("x", dense(2.0))).containsEntry("rawPrediction", dense(2.0, -2.0)).containsEntry("prediction", 0.0);
        assertThat(rows.score("x", dense(-3.0))).containsEntry("rawPrediction", dense(-3.0, 3.0)).containsEntry("prediction", 1.0);
        // A tie goes to the first class.
        assertThat(rows.score("x", dense(0.0))).containsEntry("prediction", 0.0);
        assertThat(rows.columns()).extracting(column -> column.name()).containsExactly("x", "rawPrediction", "prediction");
    }

    @Test
    void aNullVectorIsARowErrorAndABinaryModelWithoutRawPredictionAModelError() {
        StageRows rows = StageRows.compile(oneVersusRest("rawPrediction").load(temporary), new Field("x", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; the models need a feature vector");
        assertThatThrownBy(() -> oneVersusRest("").load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("the binary model has no rawPredictionCol, which OneVsRest reads");
    }
}
