package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.sparse;
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

class CountVectorizerTest {
    @TempDir
    Path temporary;

    private StageRows vectorizer(double minTF, boolean binary) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.CountVectorizerModel")
                .param("inputCol", "words").param("outputCol", "counts").param("minTF", minTF).param("binary", binary)
                .data(SavedStages.row("vocabulary", List.of("a", "b", "c"))).load(temporary),
                new Field("words", DataType.STRING_ARRAY));
    }

    @Test
    void countsVocabularyTermsIgnoringUnknownTermsAndNulls() {
        StageRows rows = vectorizer(1.0, false);

        assertThat(rows.score("words", Arrays.asList("c", "a", "zzz", "c", null)))
                .containsEntry("counts", sparse(3, new int[] {0, 2}, new double[] {1.0, 2.0}));
        assertThat(rows.score("words", List.of())).containsEntry("counts", sparse(3, new int[0], new double[0]));
        assertThat(rows.column("counts").vectorSize()).hasValue(3);
    }

    @Test
    void minTFDropsRareTermsAsACountOrAFractionOfTheDocument() {
        List<String> document = List.of("a", "b", "b", "c");

        assertThat(vectorizer(2.0, false).score("words", document)).containsEntry("counts", sparse(3, new int[] {1}, new double[] {2.0}));
        // 0.5 of four tokens: a term must appear twice.
        assertThat(vectorizer(0.5, false).score("words", document)).containsEntry("counts", sparse(3, new int[] {1}, new double[] {2.0}));
        assertThat(vectorizer(1.0, true).score("words", document))
                .containsEntry("counts", sparse(3, new int[] {0, 1, 2}, new double[] {1.0, 1.0, 1.0}));
    }

    @Test
    void aNullArrayIsARowErrorNamingTheColumn() {
        assertThatThrownBy(() -> vectorizer(1.0, false).score("words", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("words"))
                .hasMessage("null in column words; CountVectorizer needs an array of terms");
    }
}
