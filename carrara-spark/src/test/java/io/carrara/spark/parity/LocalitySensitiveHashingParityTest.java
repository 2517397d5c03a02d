package io.carrara.spark.parity;

import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class LocalitySensitiveHashingParityTest extends StageParityTest {
    LocalitySensitiveHashingParityTest() {
        super(MinHashLSHModel.class, BucketedRandomProjectionLSHModel.class);
    }

    @Test
    void minHashOfOneHotCities() {
        assertParity(new StringIndexer().setInputCols(new String[] {"city", "vendor"}).setOutputCols(new String[] {"ci", "vi"})
                        .setHandleInvalid("keep"),
                new OneHotEncoder().setInputCols(new String[] {"ci", "vi"}).setOutputCols(new String[] {"cv", "vv"}).setDropLast(false),
                new VectorAssembler().setInputCols(new String[] {"cv", "vv"}).setOutputCol("set"),
                new MinHashLSH().setInputCol("set").setOutputCol("hashes").setNumHashTables(4).setSeed(17));
    }

    @Test
    void bucketedRandomProjection() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "hour"}).setOutputCol("point")
                        .setHandleInvalid("skip"),
                new BucketedRandomProjectionLSH().setInputCol("point").setOutputCol("buckets").setBucketLength(2.5).setNumHashTables(3)
                        .setSeed(17));
    }
}
