package io.carrara.spark.parity;

import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.clustering.GaussianMixtureModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class GaussianMixtureParityTest extends StageParityTest {
    GaussianMixtureParityTest() {
        super(GaussianMixtureModel.class);
    }

    @Test
    void threeComponentsOnScaledTrips() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "fare"}).setOutputCol("raw")
                        .setHandleInvalid("skip"),
                new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
                new GaussianMixture().setK(3).setSeed(21).setMaxIter(20).setProbabilityCol("membership"));
    }
}
