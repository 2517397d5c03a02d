package io.carrara.pipeline.classification;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carrara.pipeline.error.ModelException;
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

class MultilayerPerceptronTest {
    @TempDir
    Path temporary;

    private SavedStages perceptron(List<Double> layers, Vector weights) {
        return SavedStages.of("org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel").param("layers", layers)
                .param("featuresCol", "features").param("rawPredictionCol", "rawPrediction").param("probabilityCol", "probability")
                .param("predictionCol", "prediction").data(SavedStages.row("weights", weights));
    }

    @Test
    void aSingleAffineLayerGivesRawScoresAndTheirSoftmax() {
        // W stored column by column: identity; bias (0, 1).
        StageRows rows = StageRows.compile(perceptron(List.of(2.0, 2.0), dense(1.0, 0.0, 0.0, 1.0, 0.0, 1.0)).load(temporary),
                new Field("features", DataType.VECTOR));

        Map<String, Object> scored = rows.score("features", dense(1.0, 1.0));

        assertThat(scored).containsEntry("rawPrediction", dense(1.0, 2.0)).containsEntry("prediction", 1.0);
        double p0 = 1 / (1 + Math.E);
        assertThat(((Vector) scored.get("probability")).toArray()).containsExactly(new double[] {p0, 1 - p0}, within(1e-15));
    }

    @Test
    void hiddenLayersApplyTheSigmoid() {
        // Hidden: sigmoid(0 * x + 0) = 0.5; output: (2, -2) * 0.5 + (0, 1) = (1, 0).
        StageRows rows = StageRows.compile(perceptron(List.of(1.0, 1.0, 2.0), dense(0.0, 0.0, 2.0, -2.0, 0.0, 1.0)).load(temporary),
                Field.vector("features", 1));

        assertThat(rows.score("features", dense(123.0))).containsEntry("rawPrediction", dense(1.0, 0.0)).containsEntry("prediction", 0.0);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorAndTooFewWeightsAModelError() {
        StageRows rows = StageRows.compile(perceptron(List.of(2.0, 2.0), dense(1.0, 0.0, 0.0, 1.0, 0.0, 1.0)).load(temporary),
                new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a feature vector");
        assertThatThrownBy(() -> rows.score("features", dense(1.0, 2.0, 3.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 3; the network's input layer has 2");
        assertThatThrownBy(() -> perceptron(List.of(2.0, 2.0), dense(1.0)).load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("layers need 6 weights, the data has 1");
    }
}
