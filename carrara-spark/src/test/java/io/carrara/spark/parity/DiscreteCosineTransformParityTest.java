package io.carrara.spark.parity;

import org.apache.spark.ml.feature.DCT;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class DiscreteCosineTransformParityTest extends StageParityTest {
    DiscreteCosineTransformParityTest() {
        super(DCT.class);
    }

    @Test
    void forwardAndInverse() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "hour", "airport", "fare"})
                        .setOutputCol("signal").setHandleInvalid("skip"),
                new DCT().setInputCol("signal").setOutputCol("spectrum"),
                new DCT().setInputCol("signal").setOutputCol("inverse").setInverse(true));
    }
}
