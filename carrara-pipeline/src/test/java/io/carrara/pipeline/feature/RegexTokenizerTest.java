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

class RegexTokenizerTest {
    @TempDir
    Path temporary;

    private StageRows tokenizer(String pattern, boolean gaps, boolean toLowercase, int minTokenLength) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.RegexTokenizer")
                .param("inputCol", "text").param("outputCol", "words").param("pattern", pattern).param("gaps", gaps)
                .param("toLowercase", toLowercase).param("minTokenLength", minTokenLength).load(temporary),
                new Field("text", DataType.STRING));
    }

    @Test
    void splitsOnGapsOrCollectsMatchesKeepingTokensOfTheMinimumLength() {
        assertThat(tokenizer("\\s+", true, true, 1).score("text", "The  quick Fox")).containsEntry("words", List.of("the", "quick", "fox"));
        assertThat(tokenizer("\\s+", true, false, 4).score("text", "The  quick Fox")).containsEntry("words", List.of("quick"));
        assertThat(tokenizer("[a-z]+", false, false, 1).score("text", "ab1Cd-ef")).containsEntry("words", List.of("ab", "d", "ef"));
        assertThat(tokenizer("[a-z]+", false, true, 2).score("text", "ab1Cd-e")).containsEntry("words", List.of("ab", "cd"));
    }

    @Test
    void aNullIsARowErrorAndABadPatternAModelError() {
        assertThatThrownBy(() -> tokenizer("\\s+", true, true, 1).score("text", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("text"))
                .hasMessage("null in column text; RegexTokenizer needs a string");
        assertThatThrownBy(() -> tokenizer("[unclosed", true, true, 1)).isInstanceOf(ModelException.class)
                .hasMessageContaining("pattern is not a regular expression");
    }
}
