package io.carrara.pipeline.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopWordsRemoverTest {
    @TempDir
    Path temporary;

    private StageRows remover(boolean caseSensitive, String locale) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.StopWordsRemover")
                .param("inputCol", "words").param("outputCol", "kept").param("stopWords", List.of("the", "A", "ıs"))
                .param("caseSensitive", caseSensitive).param("locale", locale).load(temporary),
                new Field("words", DataType.STRING_ARRAY));
    }

    @Test
    void dropsStopWordsIgnoringCaseUnlessCaseSensitiveAndKeepsNullTerms() {
        assertThat(remover(false, "en").score("words", Arrays.asList("The", "cat", "a", null, "THE")))
                .containsEntry("kept", Arrays.asList("cat", null));
        assertThat(remover(true, "en").score("words", List.of("The", "the", "a", "A"))).containsEntry("kept", List.of("The", "a"));
    }

    @Test
    void lowerCasesInTheSavedLocale() {
        // In Turkish, "IS" lower-cases to "ıs" (dotless i), which is a stop word here; in English it is "is", which is not.
        assertThat(remover(false, "tr").score("words", List.of("IS", "x"))).containsEntry("kept", List.of("x"));
        assertThat(remover(false, "en").score("words", List.of("IS", "x"))).containsEntry("kept", List.of("IS", "x"));
    }

    @Test
    void multiColumnRemovesFromEachAndANullArrayIsARowError() {
        StageRows rows = StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.StopWordsRemover")
                .param("inputCols", List.of("a", "b")).param("outputCols", List.of("a_kept", "b_kept")).param("stopWords", List.of("x"))
                .param("caseSensitive", false).param("locale", "en").load(temporary),
                new Field("a", DataType.STRING_ARRAY), new Field("b", DataType.STRING_ARRAY));

        assertThat(rows.score("a", List.of("x", "y"), "b", List.of("X"))).containsEntry("a_kept", List.of("y")).containsEntry("b_kept", List.of());
        assertThatThrownBy(() -> rows.score("a", List.of("x"), "b", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("b"))
                .hasMessage("null in column b; StopWordsRemover needs an array of strings");
    }
}
