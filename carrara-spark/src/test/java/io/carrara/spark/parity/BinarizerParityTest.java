package io.carrara.spark.parity;

import org.apache.spark.ml.feature.Binarizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class BinarizerParityTest extends StageParityTest {
    BinarizerParityTest() {
        super(Binarizer.class);
    }

    @Test
    void nullAndNaNDoublesGiveZero() {
        assertParity(new Binarizer().setInputCol("distance").setOutputCol("far").setThreshold(3.0));
    }

    @Test
    void multiColumnWithThresholds() {
        assertParity(new Binarizer().setInputCols(new String[] {"distance", "duration"}).setOutputCols(new String[] {"far", "long"})
                .setThresholds(new double[] {3.0, 12.5}));
    }

    @Test
    void vectorsWithPositiveAndNegativeThresholds() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "hour", "airport"}).setOutputCol("v")
                        .setHandleInvalid("keep"),
                new Binarizer().setInputCol("v").setOutputCol("above").setThreshold(2.0),
                new Binarizer().setInputCol("v").setOutputCol("above_negative").setThreshold(-0.5));
    }
}
