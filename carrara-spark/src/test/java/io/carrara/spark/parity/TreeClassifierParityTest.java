package io.carrara.spark.parity;

import static io.carrara.spark.parity.TreeFeatures.MAX_BINS;
import static io.carrara.spark.parity.TreeFeatures.then;

import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.junit.jupiter.api.Test;

class TreeClassifierParityTest extends StageParityTest {
    TreeClassifierParityTest() {
        super(DecisionTreeClassificationModel.class, RandomForestClassificationModel.class, GBTClassificationModel.class);
    }

    @Test
    void decisionTreeWithCategoricalSplitsAndLeaves() {
        assertParity(then(new DecisionTreeClassifier().setMaxDepth(5).setMaxBins(MAX_BINS).setLeafCol("leaf")));
    }

    @Test
    void randomForestOfThreeClassesWithThresholds() {
        assertParity(then(new RandomForestClassifier().setLabelCol("fare_class").setNumTrees(5).setMaxDepth(4).setMaxBins(MAX_BINS)
                .setSeed(7).setThresholds(new double[] {0.4, 0.35, 0.25}).setLeafCol("leaves")));
    }

    @Test
    void gradientBoostedTrees() {
        assertParity(then(new GBTClassifier().setMaxIter(8).setMaxDepth(3).setMaxBins(MAX_BINS).setSeed(7).setLeafCol("leaves")));
    }

    @Test
    void gradientBoostedTreesPredictingFromTheMarginAlone() {
        assertParity(then(new GBTClassifier().setMaxIter(5).setMaxDepth(3).setMaxBins(MAX_BINS).setRawPredictionCol("")
                .setProbabilityCol("")));
    }
}
