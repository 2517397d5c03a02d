package io.carrara.spark.parity;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.ElementwiseProduct;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.RobustScaler;
import org.apache.spark.ml.feature.RobustScalerModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/** The vector-to-vector transforms, on a mixed sparse and dense assembled vector of the trips. */
class VectorTransformParityTest extends StageParityTest {
    VectorTransformParityTest() {
        super(Normalizer.class, ElementwiseProduct.class, RobustScalerModel.class, PCAModel.class);
    }

    private static PipelineStage[] features(String handleInvalid, PipelineStage... then) {
        PipelineStage[] prefix = {
            new StringIndexer().setInputCol("payment").setOutputCol("payment_index").setHandleInvalid("keep"),
            new OneHotEncoder().setInputCol("payment_index").setOutputCol("payment_vector"),
            new VectorAssembler().setInputCols(new String[] {"payment_vector", "distance", "duration", "airport"})
                    .setOutputCol("features").setHandleInvalid(handleInvalid)};
        PipelineStage[] all = java.util.Arrays.copyOf(prefix, prefix.length + then.length);
        System.arraycopy(then, 0, all, prefix.length, then.length);
        return all;
    }

    @Test
    void normalizerWithSeveralNorms() {
        assertParity(features("keep",
                new Normalizer().setInputCol("features").setOutputCol("l1").setP(1.0),
                new Normalizer().setInputCol("features").setOutputCol("l2"),
                new Normalizer().setInputCol("features").setOutputCol("l3").setP(3.0),
                new Normalizer().setInputCol("features").setOutputCol("max").setP(Double.POSITIVE_INFINITY)));
    }

    @Test
    void elementwiseProduct() {
        assertParity(features("skip", new ElementwiseProduct().setInputCol("features").setOutputCol("weighted")
                .setScalingVec(Vectors.dense(new double[] {2.0, 0.0, -1.0, 0.5, 0.1, 3.0, 1.0}))));
    }

    @Test
    void robustScalerCenteringAndScaling() {
        assertParity(features("skip",
                new RobustScaler().setInputCol("features").setOutputCol("robust").setWithCentering(true),
                new RobustScaler().setInputCol("features").setOutputCol("robust_scaled_only").setLower(0.1).setUpper(0.9)));
    }

    @Test
    void pcaProjection() {
        assertParity(features("skip", new PCA().setInputCol("features").setOutputCol("components").setK(3)));
    }
}
