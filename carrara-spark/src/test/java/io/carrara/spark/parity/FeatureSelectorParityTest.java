package io.carrara.spark.parity;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.ChiSqSelector;
import org.apache.spark.ml.feature.ChiSqSelectorModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.UnivariateFeatureSelector;
import org.apache.spark.ml.feature.UnivariateFeatureSelectorModel;
import org.apache.spark.ml.feature.VarianceThresholdSelector;
import org.apache.spark.ml.feature.VarianceThresholdSelectorModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class FeatureSelectorParityTest extends StageParityTest {
    FeatureSelectorParityTest() {
        super(ChiSqSelectorModel.class, UnivariateFeatureSelectorModel.class, VarianceThresholdSelectorModel.class);
    }

    private static PipelineStage[] features(PipelineStage selector) {
        return new PipelineStage[] {
            new StringIndexer().setInputCols(new String[] {"city", "vendor"}).setOutputCols(new String[] {"city_index", "vendor_index"})
                    .setHandleInvalid("keep"),
            new OneHotEncoder().setInputCols(new String[] {"city_index", "vendor_index"})
                    .setOutputCols(new String[] {"city_vector", "vendor_vector"}),
            new VectorAssembler().setInputCols(new String[] {"city_vector", "vendor_vector", "hour", "passengers", "airport"})
                    .setOutputCol("features").setHandleInvalid("skip"),
            selector};
    }

    @Test
    void chiSquaredTopFeatures() {
        assertParity(features(new ChiSqSelector().setNumTopFeatures(12).setOutputCol("selected")));
    }

    @Test
    void univariateFpr() {
        assertParity(features(new UnivariateFeatureSelector().setFeatureType("categorical").setLabelType("categorical")
                .setSelectionMode("numTopFeatures").setSelectionThreshold(8).setOutputCol("selected")));
    }

    @Test
    void varianceThreshold() {
        assertParity(features(new VarianceThresholdSelector().setVarianceThreshold(0.05).setOutputCol("selected")));
    }
}
