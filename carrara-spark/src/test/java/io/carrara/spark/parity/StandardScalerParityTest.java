package io.carrara.spark.parity;

import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class StandardScalerParityTest extends StageParityTest {
    StandardScalerParityTest() {
        super(StandardScalerModel.class);
    }

    private void assertScaling(boolean withMean, boolean withStd) {
        assertParity(
                new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"),
                new OneHotEncoder().setInputCol("city_index").setOutputCol("city_vector"),
                new VectorAssembler().setInputCols(new String[] {"city_vector", "distance", "duration", "airport"})
                        .setOutputCol("features").setHandleInvalid("skip"),
                new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(withMean).setWithStd(withStd));
    }

    @Test
    void meanAndStd() {
        assertScaling(true, true);
    }

    @Test
    void stdOnlyKeepsSparseVectorsSparse() {
        assertScaling(false, true);
    }

    @Test
    void meanOnly() {
        assertScaling(true, false);
    }
}
