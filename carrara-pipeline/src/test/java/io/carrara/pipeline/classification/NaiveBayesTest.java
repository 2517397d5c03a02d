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

class NaiveBayesTest {
    @TempDir
    Path temporary;

    private SavedStages naiveBayes(String modelType, Vector pi, DenseMatrix theta, DenseMatrix sigma) {
        Map<String, Object> data = sigma == null ? SavedStages.row("pi", pi, "theta", theta)
                : SavedStages.row("pi", pi, "theta", theta, "sigma", sigma);
        return SavedStages.of("org.apache.spark.ml.classification.NaiveBayesModel").param("modelType", modelType)
                .param("featuresCol", "features").param("rawPredictionCol", "rawPrediction").param("probabilityCol", "probability")
                .param("predictionCol", "prediction").data(data);
    }

    private StageRows multinomial(SavedStages.DenseMatrix theta) {
        return StageRows.compile(naiveBayes("multinomial", dense(-1.0, -5.0), theta, null).load(temporary), new Field("features", DataType.VECTOR));
    }

    @Test
    void multinomialScoresArePiPlusThetaDotXAndProbabilityTheirSoftmax() {
        StageRows rows = multinomial(DenseMatrix.ofRows(new double[] {1.0, 2.0}, new double[] {3.0, 0.0}));

        Map<String, Object> scored = rows.score("features", dense(1.0, 2.0));

        // -1 + 1 + 4 and -5 + 3 + 0.
        assertThat(scored).containsEntry("rawPrediction", dense(4.0, -2.0)).containsEntry("prediction", 0.0);
        assertThat(((Vector) scored.get("probability")).get(0)).isCloseTo(1 / (1 + Math.exp(-6)), within(1e-15));
    }

    @Test
    void thresholdsScaleTheProbabilities() {
        StageRows rows = StageRows.compile(naiveBayes("multinomial", dense(-1.0, -5.0),
                DenseMatrix.ofRows(new double[] {1.0, 2.0}, new double[] {3.0, 0.0}), null).param("thresholds", List.of(1.0, 1e-6))
                .load(temporary), new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(1.0, 2.0))).containsEntry("prediction", 1.0);
    }

    @Test
    void gaussianScoresArePiMinusHalfTheScaledSquaredDistanceAndLogSigma() {
        StageRows rows = StageRows.compile(naiveBayes("gaussian", dense(0.0, 0.0), DenseMatrix.ofRows(new double[] {0.0}, new double[] {2.0}),
                DenseMatrix.ofRows(new double[] {1.0}, new double[] {4.0})).load(temporary), Field.vector("features", 1));

        Vector raw = (Vector) rows.score("features", dense(1.0)).get("rawPrediction");

        assertThat(raw.toArray()).containsExactly(new double[] {-0.5, -(0.25 + Math.log(4.0)) / 2}, within(1e-15));
    }

    @Test
    void bernoulliScoresUseLogOfOneMinusTheProbabilityForAbsentFeatures() {
        double logHalf = Math.log(0.5);
        double logQuarter = Math.log(0.25);
        StageRows rows = StageRows.compile(naiveBayes("bernoulli", dense(logHalf, logHalf),
                DenseMatrix.ofRows(new double[] {logQuarter, logHalf}, new double[] {logHalf, logQuarter}), null).load(temporary),
                Field.vector("features", 2));

        Vector raw = (Vector) rows.score("features", dense(1.0, 0.0)).get("rawPrediction");

        // Class 0: log 0.5 + log 0.25 + log 0.5; class 1: log 0.5 + log 0.5 + log 0.75.
        assertThat(raw.toArray()).containsExactly(new double[] {logHalf + logQuarter + logHalf, logHalf + logHalf + Math.log(0.75)},
                within(1e-12));
        assertThatThrownBy(() -> rows.score("features", dense(1.0, 2.0)))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("column features holds 2.0; bernoulli naive Bayes needs features of 0 or 1");
    }

    @Test
    void complementScoresAreThetaDotXMinusTheirLogSumExp() {
        StageRows rows = StageRows.compile(naiveBayes("complement", dense(0.0, 0.0),
                DenseMatrix.ofRows(new double[] {1.0}, new double[] {1.0}), null).load(temporary), Field.vector("features", 1));

        assertThat(((Vector) rows.score("features", dense(3.0)).get("rawPrediction")).toArray())
                .containsExactly(new double[] {-Math.log(2), -Math.log(2)}, within(1e-12));
    }

    @Test
    void negativeFeaturesNullsAndMissizedVectorsAreRowErrors() {
        StageRows rows = multinomial(DenseMatrix.ofRows(new double[] {1.0, 2.0}, new double[] {3.0, 0.0}));

        assertThatThrownBy(() -> rows.score("features", dense(-1.0, 2.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds -1.0; naive Bayes needs nonnegative features");
        assertThatThrownBy(() -> rows.score("features", null)).isInstanceOf(RowException.class)
                .hasMessage("null in column features; the model needs a feature vector");
        assertThatThrownBy(() -> rows.score("features", dense(1.0, 2.0, 3.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 3; the model expects 2");
        assertThatThrownBy(() -> naiveBayes("poisson", dense(0.0), DenseMatrix.ofRows(new double[] {1.0}), null).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("modelType is 'poisson'");
    }
}
