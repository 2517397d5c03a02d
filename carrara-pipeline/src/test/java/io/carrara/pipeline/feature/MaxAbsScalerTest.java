package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaxAbsScalerTest {
    @TempDir
    Path temporary;

    private StageRows scaler(Field input) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.MaxAbsScalerModel")
                .param("inputCol", "x").param("outputCol", "scaled")
                .data(SavedStages.row("maxAbs", dense(4.0, 0.0, 0.5))).load(temporary), input);
    }

    @Test
    void dividesByTheLargestMagnitudeAndLeavesAnAllZeroFeatureAlone() {
        StageRows rows = scaler(Field.vector("x", 3));

        assertThat(rows.score("x", dense(-2.0, 7.0, 0.25))).containsEntry("scaled", dense(-0.5, 7.0, 0.5));
        Object sparse = rows.score("x", sparse(3, new int[] {0}, new double[] {8.0})).get("scaled");
        assertThat(sparse).isInstanceOf(SparseVector.class).isEqualTo(dense(2.0, 0.0, 0.0));
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorAndAMissizedSchemaAModelError() {
        StageRows rows = scaler(Field.vector("x", 3));

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessageContaining("null in column x");
        assertThatThrownBy(() -> scaler(Field.vector("x", 2))).isInstanceOf(ModelException.class)
                .hasMessageContaining("features column 'x' holds vectors of size 2 but the model expects 3");
    }
}
