package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorSizeHintTest {
    @TempDir
    Path temporary;

    private Stage hint(String handleInvalid) {
        return SavedStages.of("org.apache.spark.ml.feature.VectorSizeHint")
                .param("inputCol", "v").param("size", 2).param("handleInvalid", handleInvalid).load(temporary);
    }

    @Test
    void declaresTheSizeInPlaceAddingNoColumn() {
        StageRows rows = StageRows.compile(hint("error"), new Field("v", DataType.VECTOR));

        assertThat(rows.columns()).hasSize(1);
        assertThat(rows.column("v").vectorSize()).hasValue(2);
        assertThat(rows.score("v", dense(1.0, 2.0))).containsEntry("v", dense(1.0, 2.0));
    }

    @Test
    void errorFailsSkipDropsAndOptimisticPassesANullOrMissizedVector() {
        StageRows error = StageRows.compile(hint("error"), new Field("v", DataType.VECTOR));
        StageRows skip = StageRows.compile(hint("skip"), new Field("v", DataType.VECTOR));
        StageRows optimistic = StageRows.compile(hint("optimistic"), new Field("v", DataType.VECTOR));

        assertThatThrownBy(() -> error.score("v", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("v"))
                .hasMessage("null in column v; set handleInvalid=skip on the VectorSizeHint to drop such rows");
        assertThatThrownBy(() -> error.score("v", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column v holds a vector of size 1; VectorSizeHint expects 2");
        assertThat(skip.isDropped("v", null)).isTrue();
        assertThat(skip.isDropped("v", dense(1.0, 2.0, 3.0))).isTrue();
        assertThat(optimistic.score("v", dense(1.0))).containsEntry("v", dense(1.0));
    }

    @Test
    void letsALaterAssemblerKeepNullVectorsAndRefusesAConflictingSize() {
        Stage assembler = SavedStages.of("org.apache.spark.ml.feature.VectorAssembler").index(1).param("inputCols", List.of("v"))
                .param("outputCol", "features").param("handleInvalid", "keep").load(temporary);
        StageRows rows = StageRows.compile(List.of(hint("optimistic"), assembler), new Field("v", DataType.VECTOR));

        assertThat(rows.score("v", null).get("features").toString()).isEqualTo("[NaN, NaN]");
        assertThatThrownBy(() -> StageRows.compile(hint("error"), Field.vector("v", 3))).isInstanceOf(ModelException.class)
                .hasMessageContaining("cannot set the size of vectors in 'v' to 2; it is already 3");
        assertThatThrownBy(() -> hint("keep")).isInstanceOf(ModelException.class)
                .hasMessageContaining("handleInvalid is 'keep', expected error, skip or optimistic");
    }
}
