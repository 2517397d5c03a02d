package io.carrara.spark.parity;

import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.junit.jupiter.api.Test;

class IndexToStringParityTest extends StageParityTest {
    IndexToStringParityTest() {
        super(IndexToString.class);
    }

    @Test
    void labelsFromTheIndexersMetadataIncludingTheUnknownBucket() {
        assertParity(new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"),
                new IndexToString().setInputCol("city_index").setOutputCol("city_again"));
    }

    @Test
    void explicitLabels() {
        assertParity(new IndexToString().setInputCol("fare_class").setOutputCol("fare_band").setLabels(new String[] {"low", "mid", "high"}));
    }
}
