package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashingTFTest {
    @TempDir
    Path temporary;

    private StageRows hashing(int numFeatures, boolean binary, String sparkVersion) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.HashingTF").sparkVersion(sparkVersion)
                .param("inputCol", "words").param("outputCol", "tf").param("numFeatures", numFeatures).param("binary", binary)
                .load(temporary), new Field("words", DataType.STRING_ARRAY));
    }

    @Test
    void countsTermsAtTheirHashedIndexInAVectorOfNumFeatures() {
        StageRows rows = hashing(1 << 10, false, "4.1.0");

        Vector repeated = (Vector) rows.score("words", List.of("spark", "spark", "spark")).get("tf");
        Vector twoTerms = (Vector) rows.score("words", List.of("spark", "carrara")).get("tf");

        assertThat(repeated.size()).isEqualTo(1024);
        assertThat(repeated.activeCount()).isEqualTo(1);
        assertThat(repeated.activeValue(0)).isEqualTo(3.0);
        assertThat(twoTerms.get(repeated.activeIndex(0))).isEqualTo(1.0);
        assertThat(Arrays.stream(twoTerms.toArray()).sum()).isEqualTo(2.0);
        // With a single feature every term, null included, lands at index 0.
        assertThat(hashing(1, false, "3.5.6").score("words", Arrays.asList("a", "b", null)))
                .containsEntry("tf", sparse(1, new int[] {0}, new double[] {3.0}));
        assertThat(hashing(1, true, "4.1.0").score("words", List.of("a", "b"))).containsEntry("tf", sparse(1, new int[] {0}, new double[] {1.0}));
    }

    @Test
    void aNullArrayIsARowErrorAndASpark2SaveAModelError() {
        assertThatThrownBy(() -> hashing(16, false, "4.1.0").score("words", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("words"))
                .hasMessage("null in column words; HashingTF needs an array of terms");
        assertThatThrownBy(() -> hashing(16, false, "2.4.8")).isInstanceOf(ModelException.class)
                .hasMessageContaining("HashingTF saved by Spark 2.4.8 uses Spark 2's hash; re-save the pipeline with Spark 3 or later");
    }
}
