package io.carrara.pipeline.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImputerTest {
    @TempDir
    Path temporary;

    private Stage imputer(double missingValue) {
        return SavedStages.of("org.apache.spark.ml.feature.ImputerModel")
                .param("inputCols", List.of("a", "n")).param("outputCols", List.of("a_out", "n_out"))
                .param("missingValue", missingValue)
                .data(SavedStages.row("a", 2.5, "n", 3.9)).load(temporary);
    }

    @Test
    void replacesNullsAndNaNWithTheSurrogateCastToTheColumnsType() {
        StageRows rows = StageRows.compile(imputer(Double.NaN), new Field("a", DataType.DOUBLE), new Field("n", DataType.INTEGER));

        assertThat(rows.score("a", null, "n", null)).containsEntry("a_out", 2.5).containsEntry("n_out", 3);
        assertThat(rows.score("a", Double.NaN, "n", 7)).containsEntry("a_out", 2.5).containsEntry("n_out", 7);
        assertThat(rows.score("a", 1.0, "n", -2)).containsEntry("a_out", 1.0).containsEntry("n_out", -2);
        assertThat(rows.column("n_out").type()).isEqualTo(DataType.INTEGER);
    }

    @Test
    void aMissingValueOtherThanNaNReplacesThatValueAndNullsButNotNaN() {
        StageRows rows = StageRows.compile(imputer(0.0), new Field("a", DataType.DOUBLE), new Field("n", DataType.LONG));

        assertThat(rows.score("a", 0.0, "n", 0L)).containsEntry("a_out", 2.5).containsEntry("n_out", 3L);
        assertThat(rows.score("a", null, "n", 5L)).containsEntry("a_out", 2.5).containsEntry("n_out", 5L);
        assertThat((Double) rows.score("a", Double.NaN, "n", 5L).get("a_out")).isNaN();
    }

    @Test
    void refusesABooleanColumnAtCompile() {
        assertThatThrownBy(() -> StageRows.compile(imputer(Double.NaN), new Field("a", DataType.BOOLEAN), new Field("n", DataType.INTEGER)))
                .isInstanceOf(ModelException.class).hasMessageContaining("input column 'a' is BOOLEAN; Imputer takes numeric columns");
    }
}
