package io.carrara.spark.parity;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.FMClassificationModel;
import org.apache.spark.ml.classification.FMClassifier;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.FMRegressionModel;
import org.apache.spark.ml.regression.FMRegressor;
import org.junit.jupiter.api.Test;

class FactorizationMachineParityTest extends StageParityTest {
    FactorizationMachineParityTest() {
        super(FMClassificationModel.class, FMRegressionModel.class);
    }

    private static PipelineStage[] features(PipelineStage model) {
        return new PipelineStage[] {
            new StringIndexer().setInputCols(new String[] {"city", "payment"}).setOutputCols(new String[] {"city_index", "payment_index"})
                    .setHandleInvalid("keep"),
            new OneHotEncoder().setInputCols(new String[] {"city_index", "payment_index"})
                    .setOutputCols(new String[] {"city_vector", "payment_vector"}),
            new VectorAssembler().setInputCols(new String[] {"city_vector", "payment_vector", "distance", "airport"})
                    .setOutputCol("features").setHandleInvalid("skip"),
            model};
    }

    @Test
    void classifier() {
        assertParity(features(new FMClassifier().setFactorSize(3).setMaxIter(20).setSeed(9)));
    }

    @Test
    void regressor() {
        assertParity(features(new FMRegressor().setLabelCol("fare").setFactorSize(2).setMaxIter(20).setSeed(9)));
    }
}
