package io.carrara.pipeline.classification;

import static io.carrara.pipeline.stage.TreeNodes.inTree;
import static io.carrara.pipeline.stage.TreeNodes.leaf;
import static io.carrara.pipeline.stage.TreeNodes.split;
import static io.carrara.pipeline.stage.TreeNodes.treeWeight;
import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeClassifierTest {
    @TempDir
    Path temporary;

    private static SavedStages classifier(String simpleName) {
        return SavedStages.of("org.apache.spark.ml.classification." + simpleName).metadataField("numFeatures", 1).metadataField("numClasses", 2)
                .param("featuresCol", "features").param("rawPredictionCol", "rawPrediction").param("probabilityCol", "probability")
                .param("predictionCol", "prediction");
    }

    @Test
    void aDecisionTreeGivesItsLeafsClassCountsTheirShareAndTheLeafIndex() {
        StageRows rows = StageRows.compile(classifier("DecisionTreeClassificationModel").param("leafCol", "leaf")
                .data(split(0, 1, 2, 0, 0.5, 3.0, 5.0), leaf(1, 0.0, 3.0, 1.0), leaf(2, 1.0, 0.0, 4.0)).load(temporary),
                new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(0.5))).containsEntry("rawPrediction", dense(3.0, 1.0))
                .containsEntry("probability", dense(0.75, 0.25)).containsEntry("prediction", 0.0).containsEntry("leaf", 0.0);
        assertThat(rows.score("features", dense(0.9))).containsEntry("rawPrediction", dense(0.0, 4.0))
                .containsEntry("prediction", 1.0).containsEntry("leaf", 1.0);
    }

    @Test
    void aRandomForestAddsEachTreesClassShares() {
        StageRows rows = StageRows.compile(classifier("RandomForestClassificationModel")
                .data(inTree(0, split(0, 1, 2, 0, 0.5, 3.0, 5.0)), inTree(0, leaf(1, 0.0, 3.0, 1.0)), inTree(0, leaf(2, 1.0, 0.0, 4.0)),
                        inTree(1, leaf(0, 0.0, 1.0, 1.0)))
                .table("treesMetadata", treeWeight(0, 1.0), treeWeight(1, 1.0)).load(temporary), new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(0.0))).containsEntry("rawPrediction", dense(1.25, 0.75))
                .containsEntry("probability", dense(0.625, 0.375)).containsEntry("prediction", 0.0);
    }

    @Test
    void gradientBoostedTreesSumWeightedPredictionsIntoAMargin() {
        StageRows rows = StageRows.compile(classifier("GBTClassificationModel")
                .data(inTree(0, split(0, 1, 2, 0, 0.5)), inTree(0, leaf(1, -1.0)), inTree(0, leaf(2, 1.0)), inTree(1, leaf(0, 2.0)))
                .table("treesMetadata", treeWeight(0, 1.0), treeWeight(1, 0.5)).load(temporary), new Field("features", DataType.VECTOR));

        Vector probability = (Vector) rows.score("features", dense(0.9)).get("probability");

        // 1 * 1 + 0.5 * 2 = 2; probability of class 1 is 1 / (1 + e^(-2 * 2)).
        assertThat(rows.score("features", dense(0.9))).containsEntry("rawPrediction", dense(-2.0, 2.0)).containsEntry("prediction", 1.0);
        assertThat(probability.get(1)).isCloseTo(1 / (1 + Math.exp(-4.0)), within(1e-15));
        assertThat(rows.score("features", dense(0.1))).containsEntry("rawPrediction", dense(-0.0, 0.0)).containsEntry("prediction", 0.0);
    }

    @Test
    void aNullOrTooShortVectorIsARowErrorNamingTheColumn() {
        StageRows rows = StageRows.compile(classifier("DecisionTreeClassificationModel")
                .data(split(0, 1, 2, 0, 0.5, 3.0, 5.0), leaf(1, 0.0, 3.0, 1.0), leaf(2, 1.0, 0.0, 4.0)).load(temporary),
                new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a feature vector");
        assertThatThrownBy(() -> rows.score("features", dense())).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 0; the model reads features up to index 0");
    }
}
