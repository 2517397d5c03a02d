package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElementwiseProductTest {
    @TempDir
    Path temporary;

    private StageRows product(Object scalingVec) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.ElementwiseProduct")
                .param("inputCol", "x").param("outputCol", "scaled").param("scalingVec", scalingVec).load(temporary),
                new Field("x", DataType.VECTOR));
    }

    @Test
    void multipliesElementByElementWithADenseOrSparseScalingVector() {
        StageRows dense = product(Map.of("type", 1, "values", List.of(2.0, 0.5, -1.0)));
        StageRows sparse = product(Map.of("type", 0, "size", 3, "indices", List.of(0, 2), "values", List.of(2.0, -1.0)));

        assertThat(dense.score("x", dense(1.0, 4.0, 3.0))).containsEntry("scaled", dense(2.0, 2.0, -3.0));
        assertThat(sparse.score("x", dense(1.0, 4.0, 3.0))).containsEntry("scaled", dense(2.0, 0.0, -3.0));
        assertThat(dense.score("x", sparse(3, new int[] {1}, new double[] {4.0})).get("scaled"))
                .isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, 2.0, 0.0));
        assertThat(dense.column("scaled").vectorSize()).hasValue(3);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorNamingTheColumn() {
        StageRows rows = product(Map.of("type", 1, "values", List.of(2.0, 0.5)));

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; ElementwiseProduct needs a vector");
        assertThatThrownBy(() -> rows.score("x", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 1; ElementwiseProduct multiplies by a vector of size 2");
    }
}
