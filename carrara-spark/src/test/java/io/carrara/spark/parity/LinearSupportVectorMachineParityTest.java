package io.carrara.spark.parity;

import org.apache.spark.ml.classification.LinearSVC;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class LinearSupportVectorMachineParityTest extends StageParityTest {
    LinearSupportVectorMachineParityTest() {
        super(LinearSVCModel.class);
    }

    @Test
    void marginAndThreshold() {
        assertParity(new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"),
                new OneHotEncoder().setInputCol("city_index").setOutputCol("city_vector"),
                new VectorAssembler().setInputCols(new String[] {"city_vector", "distance", "duration", "airport"})
                        .setOutputCol("features").setHandleInvalid("skip"),
                new LinearSVC().setMaxIter(20).setRegParam(0.01).setThreshold(0.2));
    }
}
