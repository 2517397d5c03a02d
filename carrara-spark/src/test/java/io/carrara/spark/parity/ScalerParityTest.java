package io.carrara.spark.parity;

import org.apache.spark.ml.feature.MaxAbsScaler;
import org.apache.spark.ml.feature.MaxAbsScalerModel;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.MinMaxScalerModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class ScalerParityTest extends StageParityTest {
    ScalerParityTest() {
        super(MinMaxScalerModel.class, MaxAbsScalerModel.class);
    }

    private static VectorAssembler assembler(String handleInvalid) {
        return new VectorAssembler().setInputCols(new String[] {"city_vector", "distance", "duration", "hour", "airport"})
                .setOutputCol("features").setHandleInvalid(handleInvalid);
    }

    private static StringIndexer indexer() {
        return new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep");
    }

    @Test
    void minMaxIntoACustomRangeKeepingNaNs() {
        assertParity(indexer(), new OneHotEncoder().setInputCol("city_index").setOutputCol("city_vector"), assembler("keep"),
                new MinMaxScaler().setInputCol("features").setOutputCol("scaled").setMin(-1.0).setMax(2.0));
    }

    @Test
    void maxAbsKeepsSparseVectorsSparse() {
        assertParity(indexer(), new OneHotEncoder().setInputCol("city_index").setOutputCol("city_vector"), assembler("skip"),
                new MaxAbsScaler().setInputCol("features").setOutputCol("scaled"));
    }
}
