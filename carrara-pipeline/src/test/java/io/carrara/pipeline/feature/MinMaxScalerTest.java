package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinMaxScalerTest {
    @TempDir
    Path temporary;

    private StageRows scaler(Field input) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.MinMaxScalerModel")
                .param("inputCol", "x").param("outputCol", "scaled").param("min", -1.0).param("max", 1.0)
                .data(SavedStages.row("originalMin", dense(0.0, 3.0, 10.0), "originalMax", dense(4.0, 3.0, 20.0)))
                .load(temporary), input);
    }

    @Test
    void rescalesEachFeatureFromItsFittedRangeAndAConstantFeatureToTheMidpoint() {
        StageRows rows = scaler(Field.vector("x", 3));

        assertThat(rows.score("x", dense(1.0, 3.0, 20.0))).containsEntry("scaled", dense(-0.5, 0.0, 1.0));
        // Values outside the fitted range extrapolate rather than clip, as in Spark.
        assertThat(rows.score("x", dense(8.0, 100.0, 0.0))).containsEntry("scaled", dense(3.0, 0.0, -3.0));
        assertThat(rows.score("x", dense(Double.NaN, 1.0, 15.0)).get("scaled").toString()).isEqualTo("[NaN, 0.0, 0.0]");
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorNamingTheColumn() {
        StageRows rows = scaler(new Field("x", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; the model needs a vector of size 3");
        assertThatThrownBy(() -> rows.score("x", dense(1.0, 2.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 2; the model expects 3");
    }
}
