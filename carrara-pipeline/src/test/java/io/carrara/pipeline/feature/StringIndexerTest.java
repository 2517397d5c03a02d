package io.carrara.pipeline.feature;

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

class StringIndexerTest {
    @TempDir
    Path temporary;

    private Stage indexer(String handleInvalid, List<String> labels) {
        return SavedStages.of("org.apache.spark.ml.feature.StringIndexerModel")
                .param("inputCol", "city").param("outputCol", "city_index").param("handleInvalid", handleInvalid)
                .data(SavedStages.row("labelsArray", List.of(labels))).load(temporary);
    }

    @Test
    void aLabelsIndexIsItsPositionInTheFittedList() {
        StageRows rows = StageRows.compile(indexer("error", List.of("nyc", "sf", "la")), new Field("city", DataType.STRING));

        assertThat(rows.score("city", "nyc")).containsEntry("city_index", 0.0);
        assertThat(rows.score("city", "la")).containsEntry("city_index", 2.0);
    }

    @Test
    void errorRejectsUnseenLabelsAndNullsNamingTheColumnAndTheFix() {
        StageRows rows = StageRows.compile(indexer("error", List.of("nyc", "sf")), new Field("city", DataType.STRING));

        assertThatThrownBy(() -> rows.score("city", "XYZ"))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("city"))
                .hasMessage("unseen label 'XYZ' in column city; set handleInvalid=keep to score it");
        assertThatThrownBy(() -> rows.score("city", null)).isInstanceOf(RowException.class)
                .hasMessage("null in column city; set handleInvalid=keep to score it or handleInvalid=skip to drop such rows");
    }

    @Test
    void keepPutsUnseenLabelsAndNullsInTheBucketAfterTheLabels() {
        StageRows rows = StageRows.compile(indexer("keep", List.of("nyc", "sf")), new Field("city", DataType.STRING));

        assertThat(rows.score("city", "XYZ")).containsEntry("city_index", 2.0);
        assertThat(rows.score("city", null)).containsEntry("city_index", 2.0);
        assertThat(rows.column("city_index").attributes().attribute().orElseThrow().toString()).contains("__unknown");
    }

    @Test
    void skipDropsUnseenLabelsNullsAndNaN() {
        StageRows strings = StageRows.compile(indexer("skip", List.of("nyc", "sf")), new Field("city", DataType.STRING));
        StageRows numbers = StageRows.compile(indexer("skip", List.of("1", "2.5")), new Field("city", DataType.DOUBLE));

        assertThat(strings.isDropped("city", "XYZ")).isTrue();
        assertThat(strings.isDropped("city", null)).isTrue();
        assertThat(strings.score("city", "sf")).containsEntry("city_index", 1.0);
        assertThat(numbers.isDropped("city", Double.NaN)).isTrue();
        assertThat(numbers.score("city", 2.5)).containsEntry("city_index", 1.0);
    }

    @Test
    void numbersAreIndexedByTheTextSparksCastGivesThem() {
        StageRows integers = StageRows.compile(indexer("error", List.of("7", "3")), new Field("city", DataType.INTEGER));
        StageRows doubles = StageRows.compile(indexer("error", List.of("7.0", "3.0")), new Field("city", DataType.DOUBLE));

        assertThat(integers.score("city", 3)).containsEntry("city_index", 1.0);
        assertThat(doubles.score("city", 7)).containsEntry("city_index", 0.0);
    }

    @Test
    void anInputColumnMissingFromTheSchemaIsIgnoredAsSparkDoes() {
        StageRows rows = StageRows.compile(indexer("error", List.of("nyc")), new Field("other", DataType.STRING));

        assertThat(rows.score("other", "x")).containsOnlyKeys("other");
    }

    @Test
    void refusesLabelListsThatDoNotMatchTheColumns() {
        assertThatThrownBy(() -> SavedStages.of("org.apache.spark.ml.feature.StringIndexerModel")
                .param("inputCol", "city").param("outputCol", "city_index").param("handleInvalid", "keep")
                .data(SavedStages.row("labelsArray", List.of(List.of("a"), List.of("b")))).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("data has 2 label lists for 1 input columns");
        assertThatThrownBy(() -> indexer("drop", List.of("a"))).isInstanceOf(ModelException.class)
                .hasMessageContaining("handleInvalid is 'drop', expected one of error, skip, keep");
    }
}
