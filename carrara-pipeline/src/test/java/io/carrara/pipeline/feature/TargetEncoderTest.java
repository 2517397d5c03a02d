package io.carrara.pipeline.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetEncoderTest {
    private static final double GLOBAL = Integer.MAX_VALUE;

    @TempDir
    Path temporary;

    private SavedStages binary(String handleInvalid) {
        // Category 0: 2 positives of 3; category 1: 1 of 1; nulls: 0 of 1; overall 3 of 5.
        return SavedStages.of("org.apache.spark.ml.feature.TargetEncoderModel")
                .param("inputCol", "c").param("outputCol", "c_encoded").param("targetType", "binary").param("smoothing", 1.0)
                .param("handleInvalid", handleInvalid)
                .data(SavedStages.row("index", 0, "categories", List.of(0.0, 1.0, -1.0, GLOBAL), "counts", List.of(3.0, 1.0, 1.0, 5.0),
                        "stats", List.of(2.0, 1.0, 0.0, 3.0)));
    }

    @Test
    void binaryTargetsBlendTheCategorysRateWithTheGlobalOneByCountOverCountPlusSmoothing() {
        StageRows rows = StageRows.compile(binary("error").load(temporary), new Field("c", DataType.DOUBLE));

        // 3/4 * 2/3 + 1/4 * 3/5; 1/2 * 1 + 1/2 * 3/5; the null category 1/2 * 0 + 1/2 * 3/5.
        assertThat((Double) rows.score("c", 0.0).get("c_encoded")).isCloseTo(0.65, within(1e-12));
        assertThat((Double) rows.score("c", 1.0).get("c_encoded")).isCloseTo(0.8, within(1e-12));
        assertThat((Double) rows.score("c", null).get("c_encoded")).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void continuousTargetsBlendMeans() {
        StageRows rows = StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.TargetEncoderModel")
                .param("inputCols", List.of("c")).param("outputCols", List.of("c_encoded")).param("targetType", "continuous")
                .param("smoothing", 2.0).param("handleInvalid", "keep")
                .data(SavedStages.row("index", 0, "categories", List.of(0.0, 1.0, GLOBAL), "counts", List.of(2.0, 2.0, 4.0),
                        "stats", List.of(10.0, 20.0, 15.0)))
                .load(temporary), new Field("c", DataType.INTEGER));

        assertThat(rows.score("c", 0)).containsEntry("c_encoded", 12.5);
        assertThat(rows.score("c", 1)).containsEntry("c_encoded", 17.5);
        // keep: an unseen category, and a null when training saw none, take the global encoding (2/6 * 15 + 4/6 * 15).
        assertThat((Double) rows.score("c", 9).get("c_encoded")).isCloseTo(15.0, within(1e-12));
        assertThat((Double) rows.score("c", null).get("c_encoded")).isCloseTo(15.0, within(1e-12));
    }

    @Test
    void errorRejectsAnUnseenCategoryNamingTheColumnAndTheFix() {
        StageRows rows = StageRows.compile(binary("error").load(temporary), new Field("c", DataType.DOUBLE));

        assertThatThrownBy(() -> rows.score("c", 4.0))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("c"))
                .hasMessage("unseen value 4.0 in column c; set handleInvalid=keep to score it");
        assertThatThrownBy(() -> rows.score("c", GLOBAL)).isInstanceOf(RowException.class).hasMessageContaining("unseen value");
    }

    @Test
    void refusesStatisticsWithoutTheGlobalCategory() {
        assertThatThrownBy(() -> binary("error").data(SavedStages.row("index", 0, "categories", List.of(0.0), "counts", List.of(1.0),
                "stats", List.of(1.0))).load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("target statistics of column 0 are incomplete");
    }
}
