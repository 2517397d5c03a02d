package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.AFTSurvivalRegression;
import org.apache.spark.ml.regression.AFTSurvivalRegressionModel;
import org.apache.spark.ml.regression.IsotonicRegression;
import org.apache.spark.ml.regression.IsotonicRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RegressionModelsParityTest extends StageParityTest {
    RegressionModelsParityTest() {
        super(IsotonicRegressionModel.class, AFTSurvivalRegressionModel.class);
    }

    /** Isotonic regression cannot fit on nulls, and AFT needs positive labels and a censor column; both are derived here. */
    @Override
    protected Dataset<Row> trainingData() {
        return super.trainingData().withColumn("distance", coalesce(col("distance"), lit(3.0)))
                .withColumn("survival", coalesce(abs(col("duration")), lit(5.0)).plus(0.1))
                .withColumn("censor", lit(1.0));
    }

    @Test
    void isotonicOnADoubleWithNullsAndNaNs() {
        assertParity(new IsotonicRegression().setFeaturesCol("distance").setLabelCol("fare"));
    }

    @Test
    void antitonicOnAVectorElement() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"duration", "distance"}).setOutputCol("features")
                        .setHandleInvalid("skip"),
                new IsotonicRegression().setIsotonic(false).setFeatureIndex(1).setLabelCol("label"));
    }

    @Test
    void survivalRegressionWithQuantiles() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "airport"}).setOutputCol("features")
                        .setHandleInvalid("skip"),
                new AFTSurvivalRegression().setLabelCol("survival").setCensorCol("censor").setMaxIter(20)
                        .setQuantileProbabilities(new double[] {0.1, 0.5, 0.9}).setQuantilesCol("quantiles"));
    }
}
