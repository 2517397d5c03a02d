package io.carrara.spark.parity;

import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class MultilayerPerceptronParityTest extends StageParityTest {
    MultilayerPerceptronParityTest() {
        super(MultilayerPerceptronClassificationModel.class);
    }

    @Test
    void twoHiddenLayersThreeClasses() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "hour", "airport"}).setOutputCol("raw")
                        .setHandleInvalid("skip"),
                new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
                new MultilayerPerceptronClassifier().setLayers(new int[] {4, 5, 4, 3}).setLabelCol("fare_class").setMaxIter(30)
                        .setSeed(13));
    }
}
