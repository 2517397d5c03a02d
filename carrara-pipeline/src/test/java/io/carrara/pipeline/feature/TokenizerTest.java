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

class TokenizerTest {
    @TempDir
    Path temporary;

    private StageRows tokenizer(DataType inputType) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.Tokenizer")
                .param("inputCol", "text").param("outputCol", "words").load(temporary), new Field("text", inputType));
    }

    @Test
    void lowerCasesAndSplitsOnEachWhitespaceCharacterKeepingEmptyTokensBetween() {
        StageRows rows = tokenizer(DataType.STRING);

        assertThat(rows.score("text", "Hello  World\tAGAIN")).containsEntry("words", List.of("hello", "", "world", "again"));
        assertThat(rows.score("text", " lead")).containsEntry("words", List.of("", "lead"));
        assertThat(rows.score("text", "")).containsEntry("words", List.of(""));
        assertThat(rows.column("words").type()).isEqualTo(DataType.STRING_ARRAY);
    }

    @Test
    void aNullIsARowErrorAndANonStringColumnAModelError() {
        assertThatThrownBy(() -> tokenizer(DataType.STRING).score("text", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("text"))
                .hasMessage("null in column text; Tokenizer needs a string");
        assertThatThrownBy(() -> tokenizer(DataType.DOUBLE)).isInstanceOf(ModelException.class)
                .hasMessageContaining("input column 'text' is DOUBLE, expected STRING");
    }
}
