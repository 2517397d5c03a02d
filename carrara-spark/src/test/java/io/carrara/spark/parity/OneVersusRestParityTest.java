package io.carrara.spark.parity;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.OneVsRest;
import org.apache.spark.ml.classification.OneVsRestModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class OneVersusRestParityTest extends StageParityTest {
    OneVersusRestParityTest() {
        super(OneVsRestModel.class);
    }

    private static PipelineStage[] fareClasses(OneVsRest oneVersusRest) {
        return new PipelineStage[] {
            new VectorAssembler().setInputCols(new String[] {"distance", "duration", "airport"}).setOutputCol("features")
                    .setHandleInvalid("skip"),
            oneVersusRest.setLabelCol("fare_class")};
    }

    @Test
    void logisticRegressions() {
        assertParity(fareClasses(new OneVsRest().setClassifier(new LogisticRegression().setMaxIter(15))));
    }

    @Test
    void gradientBoostedTreesWithoutRawPrediction() {
        assertParity(fareClasses(new OneVsRest().setClassifier(new GBTClassifier().setMaxIter(4).setMaxDepth(2)).setRawPredictionCol("")));
    }
}
