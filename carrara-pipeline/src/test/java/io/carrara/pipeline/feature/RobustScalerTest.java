package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
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

class RobustScalerTest {
    @TempDir
    Path temporary;

    private StageRows scaler(boolean withCentering, boolean withScaling) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.RobustScalerModel")
                .param("inputCol", "x").param("outputCol", "scaled").param("withCentering", withCentering)
                .param("withScaling", withScaling)
                .data(SavedStages.row("range", dense(4.0, 0.0), "median", dense(2.0, 1.0))).load(temporary),
                new Field("x", DataType.VECTOR));
    }

    @Test
    void subtractsTheMedianAndDividesByTheQuantileRange() {
        assertThat(scaler(true, true).score("x", dense(6.0, 5.0))).containsEntry("scaled", dense(1.0, 0.0));
        assertThat(scaler(false, true).score("x", dense(6.0, 5.0))).containsEntry("scaled", dense(1.5, 0.0));
        assertThat(scaler(true, false).score("x", dense(6.0, 5.0))).containsEntry("scaled", dense(4.0, 4.0));
        assertThat(scaler(true, true).column("scaled").vectorSize()).hasValue(2);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorNamingTheColumn() {
        StageRows rows = scaler(true, true);

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; RobustScaler needs a vector");
        assertThatThrownBy(() -> rows.score("x", dense(1.0, 2.0, 3.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 3; the scaler was fitted on size 2");
    }

    @Test
    void refusesARangeAndMedianOfDifferentSizes() {
        assertThatThrownBy(() -> SavedStages.of("org.apache.spark.ml.feature.RobustScalerModel")
                .param("inputCol", "x").param("outputCol", "scaled").param("withCentering", true).param("withScaling", true)
                .data(SavedStages.row("range", dense(4.0), "median", dense(2.0, 1.0))).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("range has 1 values but median has 2");
    }
}
