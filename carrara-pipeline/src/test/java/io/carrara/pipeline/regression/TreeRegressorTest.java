package io.carrara.pipeline.regression;

import static io.carrara.pipeline.stage.TreeNodes.inTree;
import static io.carrara.pipeline.stage.TreeNodes.leaf;
import static io.carrara.pipeline.stage.TreeNodes.split;
import static io.carrara.pipeline.stage.TreeNodes.treeWeight;
import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeRegressorTest {
    @TempDir
    Path temporary;

    private static SavedStages regressor(String simpleName) {
        return SavedStages.of("org.apache.spark.ml.regression." + simpleName).metadataField("numFeatures", 2)
                .param("featuresCol", "features").param("predictionCol", "prediction");
    }

    /** Feature 1 <= 0.5 goes left: a leaf of 4 values summing to 8 with squares summing to 20, else 30. */
    private static SavedStages singleTree(SavedStages stage) {
        return stage.data(split(0, 1, 2, 1, 0.5, 6.0, 68.0, 920.0), leaf(1, 2.0, 4.0, 8.0, 20.0), leaf(2, 30.0, 2.0, 60.0, 1800.0));
    }

    @Test
    void aDecisionTreePredictsItsLeafWithTheLeafsVarianceAndIndex() {
        StageRows rows = StageRows.compile(singleTree(regressor("DecisionTreeRegressionModel").param("varianceCol", "variance")
                .param("leafCol", "leaf")).load(temporary), new Field("features", DataType.VECTOR));

        // Variance (20 - 8^2 / 4) / 4 = 1; the right leaf's values are all 30, so 0.
        assertThat(rows.score("features", dense(9.0, 0.5))).containsEntry("prediction", 2.0).containsEntry("variance", 1.0)
                .containsEntry("leaf", 0.0);
        assertThat(rows.score("features", dense(9.0, 0.6))).containsEntry("prediction", 30.0).containsEntry("variance", 0.0)
                .containsEntry("leaf", 1.0);
    }

    @Test
    void aRandomForestAveragesAndBoostedTreesSumWithWeights() {
        StageRows forest = StageRows.compile(regressor("RandomForestRegressionModel").param("leafCol", "leaves")
                .data(inTree(0, split(0, 1, 2, 1, 0.5)), inTree(0, leaf(1, 2.0)), inTree(0, leaf(2, 30.0)), inTree(1, leaf(0, 10.0)))
                .table("treesMetadata", treeWeight(0, 1.0), treeWeight(1, 1.0)).load(temporary), new Field("features", DataType.VECTOR));
        StageRows boosted = StageRows.compile(regressor("GBTRegressionModel")
                .data(inTree(0, split(0, 1, 2, 1, 0.5)), inTree(0, leaf(1, 2.0)), inTree(0, leaf(2, 30.0)), inTree(1, leaf(0, 10.0)))
                .table("treesMetadata", treeWeight(0, 1.0), treeWeight(1, 0.1)).load(temporary), new Field("features", DataType.VECTOR));

        assertThat(forest.score("features", dense(0.0, 1.0))).containsEntry("prediction", 20.0).containsEntry("leaves", dense(1.0, 0.0));
        assertThat(boosted.score("features", dense(0.0, 0.0))).containsEntry("prediction", 2.0 + 10.0 * 0.1);
    }

    @Test
    void aNullOrTooShortVectorIsARowErrorNamingTheColumn() {
        StageRows rows = StageRows.compile(singleTree(regressor("DecisionTreeRegressionModel")).load(temporary),
                new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a feature vector");
        assertThatThrownBy(() -> rows.score("features", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 1; the model reads features up to index 1");
    }
}
