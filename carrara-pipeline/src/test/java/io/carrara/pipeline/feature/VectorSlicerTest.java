package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorSlicerTest {
    @TempDir
    Path temporary;

    private SavedStages slicer() {
        return SavedStages.of("org.apache.spark.ml.feature.VectorSlicer").index(1).param("inputCol", "features").param("outputCol", "sliced");
    }

    @Test
    void takesTheIndicesInTheirGivenOrder() {
        StageRows rows = StageRows.compile(slicer().param("indices", List.of(2, 0)).load(temporary), new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(1.0, 2.0, 3.0))).containsEntry("sliced", dense(3.0, 1.0));
        assertThat(rows.score("features", sparse(3, new int[] {0}, new double[] {5.0})).get("sliced"))
                .isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, 5.0));
        assertThat(rows.column("sliced").vectorSize()).hasValue(2);
    }

    @Test
    void resolvesNamesThroughTheFeatureNamesAnAssemblerGivesAfterTheIndices() {
        Stage assembler = SavedStages.of("org.apache.spark.ml.feature.VectorAssembler").param("inputCols", List.of("a", "b", "c"))
                .param("outputCol", "features").param("handleInvalid", "error").load(temporary);
        Stage slicer = slicer().param("indices", List.of(1)).param("names", List.of("c", "a")).load(temporary);
        StageRows rows = StageRows.compile(List.of(assembler, slicer),
                new Field("a", DataType.DOUBLE), new Field("b", DataType.DOUBLE), new Field("c", DataType.DOUBLE));

        assertThat(rows.score("a", 1.0, "b", 2.0, "c", 3.0)).containsEntry("sliced", dense(2.0, 3.0, 1.0));
    }

    @Test
    void aNameTheInputDoesNotCarryOrAnIndexBeyondItsSizeIsAModelErrorAtCompile() {
        assertThatThrownBy(() -> StageRows.compile(slicer().param("names", List.of("x")).load(temporary), Field.vector("features", 3)))
                .isInstanceOf(ModelException.class).hasMessageContaining("VectorSlicer selects feature 'x', which column 'features' does not name");
        assertThatThrownBy(() -> StageRows.compile(slicer().param("indices", List.of(3)).load(temporary), Field.vector("features", 3)))
                .isInstanceOf(ModelException.class).hasMessageContaining("VectorSlicer selects index 3 but column 'features' holds vectors of size 3");
        assertThatThrownBy(() -> slicer().param("indices", List.of(1, 1)).load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("repeat a feature");
    }

    @Test
    void aNullOrTooShortVectorIsARowErrorNamingTheColumn() {
        StageRows rows = StageRows.compile(slicer().param("indices", List.of(2)).load(temporary), new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; VectorSlicer needs a vector");
        assertThatThrownBy(() -> rows.score("features", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 1; VectorSlicer selects index 2");
    }
}
