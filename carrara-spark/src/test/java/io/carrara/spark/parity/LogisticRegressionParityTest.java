package io.carrara.spark.parity;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class LogisticRegressionParityTest extends StageParityTest {
    LogisticRegressionParityTest() {
        super(LogisticRegressionModel.class);
    }

    /** The reference pipeline: StringIndexer x3 + OneHotEncoder + VectorAssembler + StandardScaler + the model. */
    private static PipelineStage[] trips(LogisticRegression model) {
        return new PipelineStage[] {
            new StringIndexer().setInputCols(new String[] {"city", "vendor", "payment"})
                    .setOutputCols(new String[] {"city_index", "vendor_index", "payment_index"}).setHandleInvalid("keep"),
            new OneHotEncoder().setInputCols(new String[] {"city_index", "vendor_index", "payment_index"})
                    .setOutputCols(new String[] {"city_vector", "vendor_vector", "payment_vector"}),
            new VectorAssembler().setInputCols(new String[] {"city_vector", "vendor_vector", "payment_vector", "distance",
                "duration", "passengers", "airport"}).setOutputCol("raw_features").setHandleInvalid("skip"),
            new StandardScaler().setInputCol("raw_features").setOutputCol("features").setWithMean(true),
            model.setMaxIter(20).setRegParam(0.01)};
    }

    @Test
    void binomial() {
        assertParity(trips(new LogisticRegression()));
    }

    @Test
    void binomialWithThresholdAndOnlyAPrediction() {
        assertParity(trips(new LogisticRegression().setThreshold(0.3).setRawPredictionCol("").setProbabilityCol("p")));
    }

    @Test
    void binomialWithThresholdsAndNoRawOrProbability() {
        assertParity(trips(new LogisticRegression().setThresholds(new double[] {0.7, 0.3}).setRawPredictionCol("")
                .setProbabilityCol("")));
    }

    @Test
    void multinomialWithThresholds() {
        assertParity(trips(new LogisticRegression().setLabelCol("fare_class").setThresholds(new double[] {0.5, 0.3, 0.4})
                .setElasticNetParam(0.5)));
    }

    @Test
    void multinomialWithoutRawPrediction() {
        assertParity(trips(new LogisticRegression().setLabelCol("fare_class").setRawPredictionCol("")));
    }

    @Test
    void bareSavedModelDirectory() {
        PipelineModel fitted = new Pipeline().setStages(trips(new LogisticRegression().setFamily("multinomial"))).fit(trainingData());
        Transformer[] stages = fitted.stages();
        Dataset<Row> prepared = new PipelineModel("features", java.util.Arrays.copyOf(stages, stages.length - 1)).transform(scoringData());
        assertParityOfBareStage((LogisticRegressionModel) stages[stages.length - 1], prepared);
    }
}
