package io.carrara.pipeline.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.DenseVector;
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

class BinarizerTest {
    @TempDir
    Path temporary;

    private Stage binarizer(double threshold) {
        return SavedStages.of("org.apache.spark.ml.feature.Binarizer")
                .param("inputCol", "x").param("outputCol", "y").param("threshold", threshold).load(temporary);
    }

    @Test
    void givesOneStrictlyAboveTheThresholdAndZeroForNullAndNaN() {
        StageRows rows = StageRows.compile(binarizer(0.5), new Field("x", DataType.DOUBLE));

        assertThat(rows.score("x", 0.7)).containsEntry("y", 1.0);
        assertThat(rows.score("x", 0.5)).containsEntry("y", 0.0);
        assertThat(rows.score("x", -3.0)).containsEntry("y", 0.0);
        assertThat(rows.score("x", null)).containsEntry("y", 0.0);
        assertThat(rows.score("x", Double.NaN)).containsEntry("y", 0.0);
    }

    @Test
    void binarizesVectorsElementWiseKeepingTheSize() {
        StageRows rows = StageRows.compile(binarizer(0.5), Field.vector("x", 3));

        assertThat(rows.score("x", new DenseVector(new double[] {0.2, 0.9, 0.5}))).containsEntry("y",
                new SparseVector(3, new int[] {1}, new double[] {1.0}));
        assertThat(rows.column("y").vectorSize()).hasValue(3);
    }

    @Test
    void aNegativeThresholdTurnsImplicitZerosIntoOnes() {
        StageRows rows = StageRows.compile(binarizer(-1.0), Field.vector("x", 3));

        assertThat(rows.score("x", new SparseVector(3, new int[] {2}, new double[] {-2.0}))).containsEntry("y",
                new DenseVector(new double[] {1.0, 1.0, 0.0}));
    }

    @Test
    void aNullVectorIsARowErrorNamingTheColumn() {
        StageRows rows = StageRows.compile(binarizer(0.5), Field.vector("x", 2));

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; Binarizer needs a vector");
    }

    @Test
    void multiColumnUsesOneThresholdPerColumn() {
        Stage stage = SavedStages.of("org.apache.spark.ml.feature.Binarizer")
                .param("inputCols", List.of("a", "b")).param("outputCols", List.of("a_bin", "b_bin"))
                .param("thresholds", List.of(1.0, 10.0)).defaultParam("threshold", 0.0).load(temporary);
        StageRows rows = StageRows.compile(stage, new Field("a", DataType.DOUBLE), new Field("b", DataType.DOUBLE));

        assertThat(rows.score("a", 5.0, "b", 5.0)).containsEntry("a_bin", 1.0).containsEntry("b_bin", 0.0);
    }
}
