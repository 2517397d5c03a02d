package io.carrara.spark.parity;

import static io.carrara.spark.parity.TreeFeatures.MAX_BINS;
import static io.carrara.spark.parity.TreeFeatures.then;

import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.regression.DecisionTreeRegressor;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.junit.jupiter.api.Test;

class TreeRegressorParityTest extends StageParityTest {
    TreeRegressorParityTest() {
        super(DecisionTreeRegressionModel.class, RandomForestRegressionModel.class, GBTRegressionModel.class);
    }

    @Test
    void decisionTreeWithVarianceAndLeaf() {
        assertParity(then(new DecisionTreeRegressor().setLabelCol("fare").setMaxDepth(5).setMaxBins(MAX_BINS)
                .setVarianceCol("variance").setLeafCol("leaf")));
    }

    @Test
    void randomForest() {
        assertParity(then(new RandomForestRegressor().setLabelCol("fare").setNumTrees(6).setMaxDepth(4).setMaxBins(MAX_BINS).setSeed(3)));
    }

    @Test
    void gradientBoostedTreesWithLeaves() {
        assertParity(then(new GBTRegressor().setLabelCol("fare").setMaxIter(6).setMaxDepth(3).setMaxBins(MAX_BINS).setSeed(3)
                .setLeafCol("leaves")));
    }
}
