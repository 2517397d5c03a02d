package io.carrara.pipeline.clustering;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BisectingKMeansTest {
    @TempDir
    Path temporary;

    private static Map<String, Object> node(int index, Vector center, List<Integer> children) {
        double norm = Math.sqrt(center.dot(center.toArray()));
        return SavedStages.row("index", index, "size", 1L, "center", center, "norm", norm, "cost", 0.0, "height", 0.0, "children", children);
    }

    /**
     * Root -1 at 5 splits into leaf 0 at 1 and node -2 at 9, which splits into leaves 1 at 8 and 2
     * at 12. A point descends to the nearer child at each level, even when a leaf elsewhere is nearer.
     */
    private SavedStages bisecting(int rootId) {
        return SavedStages.of("org.apache.spark.ml.clustering.BisectingKMeansModel")
                .param("featuresCol", "features").param("predictionCol", "cluster")
                .textLine("data/metadata", "{\"class\":\"org.apache.spark.mllib.clustering.BisectingKMeansModel\",\"version\":\"3.0\","
                        + "\"rootId\":" + rootId + ",\"distanceMeasure\":\"euclidean\"}")
                .table("data/data", node(-1, dense(5.0), List.of(0, -2)), node(0, dense(1.0), List.of()), node(-2, dense(9.0), List.of(1, 2)),
                        node(1, dense(8.0), List.of()), node(2, dense(12.0), List.of()));
    }

    @Test
    void descendsToTheNearerChildAndGivesTheLeafsIndex() {
        StageRows rows = StageRows.compile(bisecting(-1).load(temporary), new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(2.0))).containsEntry("cluster", 0);
        assertThat(rows.score("features", dense(7.5))).containsEntry("cluster", 1);
        assertThat(rows.score("features", dense(11.0))).containsEntry("cluster", 2);
        assertThat(rows.column("cluster").type()).isEqualTo(DataType.INTEGER);
    }

    @Test
    void aNullVectorIsARowErrorAndAMissingRootAModelError() {
        StageRows rows = StageRows.compile(bisecting(-1).load(temporary), new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 1");
        assertThatThrownBy(() -> bisecting(7).load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("the cluster tree has no root 7 or repeats a node index");
    }
}
