package io.carrara.pipeline.clustering;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KMeansTest {
    @TempDir
    Path temporary;

    private SavedStages kMeans(String distanceMeasure) {
        return SavedStages.of("org.apache.spark.ml.clustering.KMeansModel").param("distanceMeasure", distanceMeasure)
                .param("featuresCol", "features").param("predictionCol", "cluster")
                .data(SavedStages.row("clusterIdx", 1, "clusterCenter", dense(10.0, 0.0)), SavedStages.row("clusterIdx", 0, "clusterCenter", dense(1.0, 0.0)));
    }

    @Test
    void assignsTheNearestCenterAsAnIntegerTheFirstWinningATie() {
        StageRows rows = StageRows.compile(kMeans("euclidean").load(temporary), new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(3.0, 0.0))).containsEntry("cluster", 0);
        assertThat(rows.score("features", dense(7.0, -1.0))).containsEntry("cluster", 1);
        assertThat(rows.score("features", dense(5.5, 0.0))).containsEntry("cluster", 0);
        assertThat(rows.score("features", sparse(2, new int[] {0}, new double[] {9.0}))).containsEntry("cluster", 1);
        assertThat(rows.column("cluster").type()).isEqualTo(DataType.INTEGER);
    }

    @Test
    void cosineDistanceComparesDirectionsNotLengths() {
        StageRows rows = StageRows.compile(kMeans("cosine").data(SavedStages.row("clusterIdx", 0, "clusterCenter", dense(1.0, 0.0)),
                SavedStages.row("clusterIdx", 1, "clusterCenter", dense(0.0, 1.0))).load(temporary), new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(100.0, 1.0))).containsEntry("cluster", 0);
        assertThat(rows.score("features", dense(1.0, 2.0))).containsEntry("cluster", 1);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorAndGapsInTheClustersAModelError() {
        StageRows rows = StageRows.compile(kMeans("euclidean").load(temporary), new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 2");
        assertThatThrownBy(() -> rows.score("features", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 1; the model expects 2");
        assertThatThrownBy(() -> kMeans("euclidean").data(SavedStages.row("clusterIdx", 1, "clusterCenter", dense(1.0))).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("cluster indices are not 0 to k-1: [1]");
        assertThatThrownBy(() -> kMeans("manhattan").load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("distanceMeasure is 'manhattan'; Spark writes euclidean or cosine");
    }
}
