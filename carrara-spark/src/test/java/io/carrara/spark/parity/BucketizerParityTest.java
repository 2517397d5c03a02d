package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.QuantileDiscretizer;
import org.junit.jupiter.api.Test;

class BucketizerParityTest extends StageParityTest {
    private static final double[] SPLITS = {Double.NEGATIVE_INFINITY, 1.0, 3.0, 10.0, Double.POSITIVE_INFINITY};

    BucketizerParityTest() {
        super(Bucketizer.class);
    }

    @Test
    void keepPutsNaNInAnExtraBucketAndNullStaysNull() {
        assertParity(new Bucketizer().setInputCol("distance").setOutputCol("band").setSplits(SPLITS).setHandleInvalid("keep"));
    }

    @Test
    void skipDropsNaNAndNull() {
        assertThat(assertParity(new Bucketizer().setInputCol("distance").setOutputCol("band").setSplits(SPLITS).setHandleInvalid("skip"))
                .skipped()).isPositive();
    }

    @Test
    void errorRejectsNaNAndValuesOutsideTheSplits() {
        assertThat(assertParity(new Bucketizer().setInputCols(new String[] {"distance", "hour"}).setOutputCols(new String[] {"b", "h"})
                .setSplitsArray(new double[][] {SPLITS, {0.0, 6.0, 12.0, 18.0, 20.0}})).rejected()).isPositive();
    }

    @Test
    void quantileDiscretizerSavesAFittedBucketizer() {
        assertParity(new QuantileDiscretizer().setInputCol("duration").setOutputCol("duration_quartile").setNumBuckets(4)
                .setHandleInvalid("keep"));
    }
}
