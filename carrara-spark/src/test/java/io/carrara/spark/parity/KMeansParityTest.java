package io.carrara.spark.parity;

import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.BisectingKMeansModel;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class KMeansParityTest extends StageParityTest {
    KMeansParityTest() {
        super(KMeansModel.class, BisectingKMeansModel.class);
    }

    private void assertClusters(String distanceMeasure) {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "hour", "fare"})
                        .setOutputCol("raw").setHandleInvalid("skip"),
                new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
                new KMeans().setK(4).setSeed(11).setMaxIter(10).setDistanceMeasure(distanceMeasure).setPredictionCol("cluster"));
    }

    @Test
    void euclidean() {
        assertClusters("euclidean");
    }

    @Test
    void cosine() {
        assertClusters("cosine");
    }

    @Test
    void bisecting() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "hour"}).setOutputCol("features")
                        .setHandleInvalid("skip"),
                new BisectingKMeans().setK(5).setSeed(3).setMaxIter(10).setPredictionCol("cluster"));
    }

    @Test
    void bisectingByCosine() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "hour"}).setOutputCol("features")
                        .setHandleInvalid("skip"),
                new BisectingKMeans().setK(4).setSeed(3).setDistanceMeasure("cosine"));
    }
}
