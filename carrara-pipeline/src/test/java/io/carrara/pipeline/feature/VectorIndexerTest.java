package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.SavedStages.ParquetMap;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorIndexerTest {
    @TempDir
    Path temporary;

    /** Three features; feature 1 is categorical with values 0, 5 and 7. */
    private StageRows indexer(String handleInvalid) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.VectorIndexerModel")
                .param("inputCol", "x").param("outputCol", "indexed").param("handleInvalid", handleInvalid)
                .data(SavedStages.row("numFeatures", 3, "categoryMaps", new ParquetMap(Map.of(1, new ParquetMap(Map.of(0.0, 0, 5.0, 1, 7.0, 2))))))
                .load(temporary), new Field("x", DataType.VECTOR));
    }

    @Test
    void replacesCategoricalValuesByTheirCategoryAndLeavesContinuousOnes() {
        StageRows rows = indexer("error");

        assertThat(rows.score("x", dense(1.5, 7.0, -2.0))).containsEntry("indexed", dense(1.5, 2.0, -2.0));
        assertThat(rows.score("x", dense(1.5, 0.0, -2.0))).containsEntry("indexed", dense(1.5, 0.0, -2.0));
        assertThat(rows.score("x", sparse(3, new int[] {1}, new double[] {5.0})).get("indexed"))
                .isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, 1.0, 0.0));
        assertThat(rows.column("indexed").vectorSize()).hasValue(3);
    }

    @Test
    void anUnseenValueFailsTheRowWithErrorBecomesTheCountWithKeepAndIsDroppedWithSkip() {
        assertThatThrownBy(() -> indexer("error").score("x", dense(1.5, 6.0, 0.0)))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("unseen value 6.0 at feature 1 of column x; set handleInvalid=keep on the VectorIndexer to score it");
        assertThat(indexer("keep").score("x", dense(1.5, 6.0, 0.0))).containsEntry("indexed", dense(1.5, 3.0, 0.0));
        assertThat(indexer("skip").isDropped("x", dense(1.5, 6.0, 0.0))).isTrue();
        assertThat(indexer("skip").score("x", dense(1.5, 5.0, 0.0))).containsEntry("indexed", dense(1.5, 1.0, 0.0));
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorNamingTheColumn() {
        StageRows rows = indexer("keep");

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; VectorIndexer needs a vector of size 3");
        assertThatThrownBy(() -> rows.score("x", dense(1.0, 5.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 2; VectorIndexer was fitted on size 3");
    }
}
