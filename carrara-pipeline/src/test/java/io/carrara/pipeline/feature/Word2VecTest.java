package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
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

class Word2VecTest {
    @TempDir
    Path temporary;

    private SavedStages saved(String sparkVersion) {
        return SavedStages.of("org.apache.spark.ml.feature.Word2VecModel").sparkVersion(sparkVersion)
                .param("inputCol", "words").param("outputCol", "embedding").param("vectorSize", 2)
                .data(SavedStages.row("word", "cat", "vector", List.of(1.0f, 2.0f)), SavedStages.row("word", "dog", "vector", List.of(3.0f, -2.0f)));
    }

    @Test
    void averagesTheWordVectorsCountingUnknownWordsInTheDenominator() {
        StageRows rows = StageRows.compile(saved("4.1.0").load(temporary), new Field("words", DataType.STRING_ARRAY));

        assertThat(rows.score("words", List.of("cat", "dog"))).containsEntry("embedding", dense(2.0, 0.0));
        assertThat(rows.score("words", Arrays.asList("cat", "unknown", null, "cat"))).containsEntry("embedding", dense(0.5, 1.0));
        assertThat(rows.score("words", List.of())).containsEntry("embedding", sparse(2, new int[0], new double[0]));
        assertThat(rows.column("embedding").vectorSize()).hasValue(2);
    }

    @Test
    void aNullArrayIsARowErrorAndASpark2SaveOrAMissizedWordVectorAModelError() {
        StageRows rows = StageRows.compile(saved("3.5.6").load(temporary), new Field("words", DataType.STRING_ARRAY));

        assertThatThrownBy(() -> rows.score("words", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("words"))
                .hasMessage("null in column words; Word2Vec needs an array of words");
        assertThatThrownBy(() -> saved("2.4.8").load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("re-save with Spark 3 or later");
        assertThatThrownBy(() -> saved("4.1.0").param("vectorSize", 3).load(temporary)).isInstanceOf(ModelException.class)
                .hasMessageContaining("word 'cat' has a vector of size 2, not 3");
    }
}
