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

class NGramTest {
    @TempDir
    Path temporary;

    private StageRows ngram(int n) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.NGram")
                .param("inputCol", "words").param("outputCol", "grams").param("n", n).load(temporary),
                new Field("words", DataType.STRING_ARRAY));
    }

    @Test
    void joinsEveryRunOfNTermsWithASpaceAndGivesNoneForFewerTerms() {
        assertThat(ngram(2).score("words", List.of("a", "b", "c"))).containsEntry("grams", List.of("a b", "b c"));
        assertThat(ngram(3).score("words", List.of("a", "b"))).containsEntry("grams", List.of());
        assertThat(ngram(1).score("words", List.of("a", "b"))).containsEntry("grams", List.of("a", "b"));
    }

    @Test
    void aNullArrayIsARowErrorAndNBelowOneAModelError() {
        assertThatThrownBy(() -> ngram(2).score("words", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("words"))
                .hasMessage("null in column words; NGram needs an array of strings");
        assertThatThrownBy(() -> ngram(0)).isInstanceOf(ModelException.class).hasMessageContaining("n is 0; Spark requires n >= 1");
    }
}
