package io.carrara.pipeline.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

class IndexToStringTest {
    @TempDir
    Path temporary;

    private StageRows converter(List<String> labels) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.IndexToString")
                .param("inputCol", "index").param("outputCol", "label").param("labels", labels).load(temporary),
                new Field("index", DataType.DOUBLE));
    }

    @Test
    void anIndexGivesItsLabelTruncatingAFraction() {
        StageRows rows = converter(List.of("nyc", "sf", "la"));

        assertThat(rows.score("index", 0.0)).containsEntry("label", "nyc");
        assertThat(rows.score("index", 2.0)).containsEntry("label", "la");
        assertThat(rows.score("index", 1.9)).containsEntry("label", "sf");
        assertThat(rows.score("index", -0.5)).containsEntry("label", "nyc");
    }

    @Test
    void aNullNaNOrOutOfRangeIndexIsARowErrorNamingTheColumn() {
        StageRows rows = converter(List.of("nyc", "sf"));

        assertThatThrownBy(() -> rows.score("index", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("index"))
                .hasMessage("null in column index; IndexToString needs an index from 0 to 1");
        assertThatThrownBy(() -> rows.score("index", 2.0)).isInstanceOf(RowException.class)
                .hasMessage("unseen index 2.0 in column index; IndexToString knows indices 0 to 1");
        assertThatThrownBy(() -> rows.score("index", -1.0)).isInstanceOf(RowException.class).hasMessageContaining("unseen index -1.0");
        assertThatThrownBy(() -> rows.score("index", Double.NaN)).isInstanceOf(RowException.class).hasMessageContaining("unseen index NaN");
    }

    @Test
    void withoutLabelsAColumnWithoutLabelNamesIsAModelErrorAtCompile() {
        assertThatThrownBy(() -> converter(List.of())).isInstanceOf(ModelException.class)
                .hasMessageContaining("labels is empty and column 'index' carries no label names; set labels on the IndexToString before saving");
    }
}
