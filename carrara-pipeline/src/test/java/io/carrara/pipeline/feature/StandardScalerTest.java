package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardScalerTest {
    @TempDir
    Path temporary;

    private StageRows scaler(boolean withMean, boolean withStd) {
        Stage stage = SavedStages.of("org.apache.spark.ml.feature.StandardScalerModel")
                .param("inputCol", "x").param("outputCol", "scaled").param("withMean", withMean).param("withStd", withStd)
                .data(SavedStages.row("std", dense(2.0, 0.0, 4.0), "mean", dense(1.0, 5.0, -1.0))).load(temporary);
        return StageRows.compile(stage, Field.vector("x", 3));
    }

    @Test
    void centersAndScalesWithAZeroFactorWhereTheStdIsZero() {
        assertThat(scaler(true, true).score("x", dense(3.0, 7.0, 1.0))).containsEntry("scaled", dense(1.0, 0.0, 0.5));
        assertThat(scaler(true, false).score("x", dense(3.0, 7.0, 1.0))).containsEntry("scaled", dense(2.0, 2.0, 2.0));
        assertThat(scaler(false, false).score("x", dense(3.0, 7.0, 1.0))).containsEntry("scaled", dense(3.0, 7.0, 1.0));
    }

    @Test
    void scalingAloneKeepsASparseVectorSparseAndCenteringMakesItDense() {
        Object scaled = scaler(false, true).score("x", sparse(3, new int[] {2}, new double[] {8.0})).get("scaled");
        Object centered = scaler(true, true).score("x", sparse(3, new int[] {2}, new double[] {8.0})).get("scaled");

        assertThat(scaled).isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, 0.0, 2.0));
        assertThat(centered).isInstanceOf(DenseVector.class).isEqualTo(dense(-0.5, 0.0, 2.25));
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorNamingTheColumn() {
        StageRows rows = scaler(true, true);

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; StandardScaler needs a vector of size 3");
        StageRows unsized = StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.StandardScalerModel")
                .param("inputCol", "x").param("outputCol", "scaled").param("withMean", false).param("withStd", true)
                .data(SavedStages.row("std", dense(2.0, 1.0), "mean", dense(0.0, 0.0))).load(temporary),
                new Field("x", io.carrara.spi.schema.DataType.VECTOR));
        assertThatThrownBy(() -> unsized.score("x", dense(1.0)))
                .isInstanceOf(RowException.class).hasMessage("column x holds a vector of size 1; the scaler was fitted on size 2");
        assertThat(scaler(false, false).score("x", null)).containsEntry("scaled", null);
    }

    @Test
    void aSchemaOfAnotherVectorSizeIsAModelErrorAtCompile() {
        Stage stage = SavedStages.of("org.apache.spark.ml.feature.StandardScalerModel")
                .param("inputCol", "x").param("outputCol", "scaled").param("withMean", false).param("withStd", true)
                .data(SavedStages.row("std", dense(2.0, 1.0), "mean", dense(0.0, 0.0))).load(temporary);

        assertThatThrownBy(() -> StageRows.compile(stage, Field.vector("x", 3))).isInstanceOf(ModelException.class)
                .hasMessageContaining("input column 'x' holds vectors of size 3 but the scaler was fitted on size 2");
    }
}
