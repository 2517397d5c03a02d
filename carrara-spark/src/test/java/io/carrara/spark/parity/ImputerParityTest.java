package io.carrara.spark.parity;

import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.ImputerModel;
import org.junit.jupiter.api.Test;

class ImputerParityTest extends StageParityTest {
    ImputerParityTest() {
        super(ImputerModel.class);
    }

    @Test
    void meanOfDoublesAndIntegersReplacesNullsAndNaNs() {
        assertParity(new Imputer().setInputCols(new String[] {"distance", "duration", "passengers"})
                .setOutputCols(new String[] {"distance_filled", "duration_filled", "passengers_filled"}));
    }

    @Test
    void medianOfOneColumn() {
        assertParity(new Imputer().setInputCol("distance").setOutputCol("distance_filled").setStrategy("median"));
    }

    @Test
    void modeWithACustomMissingValue() {
        assertParity(new Imputer().setInputCols(new String[] {"hour"}).setOutputCols(new String[] {"hour_filled"})
                .setStrategy("mode").setMissingValue(0.0));
    }
}
