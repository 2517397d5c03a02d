package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InverseDocumentFrequencyTest {
    @TempDir
    Path temporary;

    private StageRows idf() {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.IDFModel")
                .param("inputCol", "tf").param("outputCol", "tfidf")
                .data(SavedStages.row("idf", dense(0.5, 2.0, 0.0), "docFreq", List.of(3L, 1L, 4L), "numDocs", 4L)).load(temporary),
                new Field("tf", DataType.VECTOR));
    }

    @Test
    void multipliesTermFrequenciesByTheWeightsKeepingSparseInputSparse() {
        StageRows rows = idf();

        assertThat(rows.score("tf", dense(2.0, 3.0, 5.0))).containsEntry("tfidf", dense(1.0, 6.0, 0.0));
        assertThat(rows.score("tf", sparse(3, new int[] {1}, new double[] {1.5})).get("tfidf"))
                .isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, 3.0, 0.0));
        assertThat(rows.column("tfidf").vectorSize()).hasValue(3);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorNamingTheColumn() {
        StageRows rows = idf();

        assertThatThrownBy(() -> rows.score("tf", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("tf"))
                .hasMessage("null in column tf; IDF needs a vector");
        assertThatThrownBy(() -> rows.score("tf", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column tf holds a vector of size 1; IDF was fitted on size 3");
    }
}
