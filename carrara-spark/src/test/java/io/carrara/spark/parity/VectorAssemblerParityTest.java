package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class VectorAssemblerParityTest extends StageParityTest {
    VectorAssemblerParityTest() {
        super(VectorAssembler.class);
    }

    private static final String[] NUMBERS = {"distance", "duration", "passengers", "hour", "airport"};

    @Test
    void errorRejectsNullsAndNaNs() {
        assertThat(assertParity(new VectorAssembler().setInputCols(NUMBERS).setOutputCol("features")).rejected()).isPositive();
    }

    @Test
    void skipDropsNullsAndNaNs() {
        assertThat(assertParity(new VectorAssembler().setInputCols(NUMBERS).setOutputCol("features").setHandleInvalid("skip"))
                .skipped()).isPositive();
    }

    @Test
    void keepAssemblesNaNsIncludingForNullVectors() {
        assertParity(
                new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"),
                new OneHotEncoder().setInputCols(new String[] {"city_index", "hour"})
                        .setOutputCols(new String[] {"city_vector", "hour_vector"}).setHandleInvalid("keep"),
                new VectorAssembler().setInputCols(new String[] {"city_vector", "distance", "hour_vector", "airport"})
                        .setOutputCol("features").setHandleInvalid("keep"));
    }
}
