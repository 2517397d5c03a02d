package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureHasherTest {
    @TempDir
    Path temporary;

    private StageRows hasher(int numFeatures) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.FeatureHasher")
                .param("inputCols", List.of("amount", "city", "flag", "code")).param("categoricalCols", List.of("code"))
                .param("outputCol", "hashed").param("numFeatures", numFeatures).load(temporary),
                new Field("amount", DataType.DOUBLE), new Field("city", DataType.STRING), new Field("flag", DataType.BOOLEAN),
                new Field("code", DataType.INTEGER));
    }

    @Test
    void numbersAddTheirValueAndCategoriesAddOneAndNullsNothing() {
        // With one feature every column lands at index 0: 2.5 + 1 (city) + 1 (flag) + 1 (code, listed as categorical).
        StageRows rows = hasher(1);

        assertThat(rows.score("amount", 2.5, "city", "nyc", "flag", false, "code", 7)).containsEntry("hashed", sparse(1, new int[] {0}, new double[] {5.5}));
        assertThat(rows.score("amount", null, "city", null, "flag", true, "code", null)).containsEntry("hashed", sparse(1, new int[] {0}, new double[] {1.0}));
        assertThat(rows.column("hashed").vectorSize()).hasValue(1);
    }

    @Test
    void aCategoryHashesByColumnAndValueAndANumberByColumnOnly() {
        StageRows rows = hasher(1 << 18);

        Vector nyc = (Vector) rows.score("amount", null, "city", "nyc", "flag", null, "code", null).get("hashed");
        Vector sf = (Vector) rows.score("amount", null, "city", "sf", "flag", null, "code", null).get("hashed");
        Vector small = (Vector) rows.score("amount", 1.0, "city", null, "flag", null, "code", null).get("hashed");
        Vector large = (Vector) rows.score("amount", 9.0, "city", null, "flag", null, "code", null).get("hashed");

        assertThat(nyc.activeCount()).isEqualTo(1);
        assertThat(nyc.activeIndex(0)).isNotEqualTo(sf.activeIndex(0));
        assertThat(small.activeIndex(0)).isEqualTo(large.activeIndex(0));
        assertThat(large.activeValue(0)).isEqualTo(9.0);
    }
}
