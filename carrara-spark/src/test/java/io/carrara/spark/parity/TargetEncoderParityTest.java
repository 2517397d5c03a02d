package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.TargetEncoder;
import org.apache.spark.ml.feature.TargetEncoderModel;
import org.junit.jupiter.api.Test;

class TargetEncoderParityTest extends StageParityTest {
    TargetEncoderParityTest() {
        super(TargetEncoderModel.class);
    }

    @Test
    void binaryTargetKeepingUnseenCitiesAndNullHours() {
        assertParity(new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("skip"),
                new TargetEncoder().setInputCols(new String[] {"city_index", "hour"}).setOutputCols(new String[] {"city_rate", "hour_rate"})
                        .setLabelCol("label").setTargetType("binary").setSmoothing(2.0).setHandleInvalid("keep"));
    }

    @Test
    void continuousTargetRejectingUnseenValues() {
        assertThat(assertParity(new TargetEncoder().setInputCol("hour").setOutputCol("hour_fare").setLabelCol("fare")
                .setTargetType("continuous")).rejected()).isPositive();
    }
}
