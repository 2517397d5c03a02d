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

class InteractionTest {
    @TempDir
    Path temporary;

    private Stage interaction(List<String> inputs) {
        return SavedStages.of("org.apache.spark.ml.feature.Interaction").index(1)
                .param("inputCols", inputs).param("outputCol", "product").load(temporary);
    }

    private Stage cityIndexer() {
        return SavedStages.of("org.apache.spark.ml.feature.StringIndexerModel")
                .param("inputCol", "city").param("outputCol", "city_index").param("handleInvalid", "error")
                .data(SavedStages.row("labelsArray", List.of(List.of("nyc", "sf")))).load(temporary);
    }

    @Test
    void multipliesNumericColumns() {
        StageRows rows = StageRows.compile(interaction(List.of("a", "b")), new Field("a", DataType.DOUBLE), new Field("b", DataType.INTEGER));

        assertThat(rows.score("a", 1.5, "b", 4)).containsEntry("product", dense(6.0));
        assertThat(rows.column("product").vectorSize()).hasValue(1);
    }

    @Test
    void aNominalColumnSelectsABlockTheFirstColumnVaryingSlowest() {
        StageRows rows = StageRows.compile(List.of(cityIndexer(), interaction(List.of("city_index", "x"))),
                new Field("city", DataType.STRING), new Field("x", DataType.DOUBLE));

        assertThat(rows.score("city", "sf", "x", 3.0)).containsEntry("product", dense(0.0, 3.0));
        assertThat(rows.score("city", "nyc", "x", 3.0)).containsEntry("product", dense(3.0, 0.0));
        assertThat(rows.column("product").attributes().slotAttributes().orElseThrow()).extracting(a -> a.name().orElseThrow())
                .containsExactly("city_index_nyc:x", "city_index_sf:x");
    }

    @Test
    void aNullIsARowErrorAndAVectorWithoutAttributesAModelError() {
        StageRows rows = StageRows.compile(interaction(List.of("a", "b")), new Field("a", DataType.DOUBLE), new Field("b", DataType.DOUBLE));

        assertThatThrownBy(() -> rows.score("a", null, "b", 1.0))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("a"))
                .hasMessage("null in column a; Interaction needs a value");
        assertThatThrownBy(() -> StageRows.compile(interaction(List.of("a", "v")), new Field("a", DataType.DOUBLE), Field.vector("v", 2)))
                .isInstanceOf(ModelException.class).hasMessageContaining("vector column 'v' has no ML attributes");
        assertThatThrownBy(() -> interaction(List.of("a", "a"))).isInstanceOf(ModelException.class).hasMessageContaining("repeats a column");
    }
}
