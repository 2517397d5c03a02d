package io.carrara.spark.parity;

import org.apache.spark.ml.feature.FeatureHasher;
import org.junit.jupiter.api.Test;

class FeatureHasherParityTest extends StageParityTest {
    FeatureHasherParityTest() {
        super(FeatureHasher.class);
    }

    @Test
    void numericStringBooleanAndDeclaredCategoricalColumns() {
        assertParity(new FeatureHasher().setInputCols(new String[] {"city", "payment", "airport", "hour", "distance", "passengers"})
                        .setCategoricalCols(new String[] {"hour"}).setOutputCol("hashed").setNumFeatures(128),
                new FeatureHasher().setInputCols(new String[] {"city", "distance"}).setOutputCol("hashed_wide"));
    }
}
