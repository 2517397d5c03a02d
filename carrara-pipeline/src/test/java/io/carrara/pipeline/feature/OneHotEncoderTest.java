package io.carrara.pipeline.feature;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneHotEncoderTest {
    @TempDir
    Path temporary;

    private StageRows encoder(String handleInvalid, boolean dropLast) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.OneHotEncoderModel")
                .param("inputCols", List.of("city_index")).param("outputCols", List.of("city_vector"))
                .param("handleInvalid", handleInvalid).param("dropLast", dropLast)
                .data(SavedStages.row("categorySizes", List.of(3))).load(temporary), new Field("city_index", DataType.DOUBLE));
    }

    private static Object oneAt(int size, int index) {
        return sparse(size, new int[] {index}, new double[] {1.0});
    }

    private static Object zeros(int size) {
        return sparse(size, new int[0], new double[0]);
    }

    @Test
    void anIndexBecomesASingleOneAndDropLastEncodesTheLastCategoryAsZeros() {
        StageRows rows = encoder("error", true);

        assertThat(rows.score("city_index", 0.0)).containsEntry("city_vector", oneAt(2, 0));
        assertThat(rows.score("city_index", 1.0)).containsEntry("city_vector", oneAt(2, 1));
        assertThat(rows.score("city_index", 2.0)).containsEntry("city_vector", zeros(2));
        assertThat(encoder("error", false).score("city_index", 2.0)).containsEntry("city_vector", oneAt(3, 2));
        assertThat(rows.column("city_vector").vectorSize()).hasValue(2);
    }

    @Test
    void keepAddsABucketForUnseenAndNegativeIndices() {
        StageRows withDropLast = encoder("keep", true);
        StageRows withoutDropLast = encoder("keep", false);

        assertThat(withDropLast.score("city_index", 7.0)).containsEntry("city_vector", zeros(3));
        assertThat(withDropLast.score("city_index", 2.0)).containsEntry("city_vector", oneAt(3, 2));
        assertThat(withoutDropLast.score("city_index", -1.0)).containsEntry("city_vector", oneAt(4, 3));
        assertThat(withoutDropLast.score("city_index", Double.NaN)).containsEntry("city_vector", oneAt(4, 3));
    }

    @Test
    void errorRejectsUnseenAndNegativeIndicesNamingTheColumnAndTheFix() {
        StageRows rows = encoder("error", true);

        assertThatThrownBy(() -> rows.score("city_index", 3.0))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("city_index"))
                .hasMessage("unseen index 3.0 in column city_index; OneHotEncoder was fitted on indices 0 to 2; set handleInvalid=keep to score it");
        assertThatThrownBy(() -> rows.score("city_index", -1.0)).isInstanceOf(RowException.class)
                .hasMessageStartingWith("negative index -1.0 in column city_index");
    }

    @Test
    void aNullIndexGivesANullVector() {
        assertThat(encoder("error", true).score("city_index", null)).containsEntry("city_vector", null);
    }

    @Test
    void refusesSkipAndCategorySizesThatDoNotMatchTheColumns() {
        assertThatThrownBy(() -> encoder("skip", true)).isInstanceOf(ModelException.class)
                .hasMessageContaining("handleInvalid is 'skip', expected one of error, keep");
        assertThatThrownBy(() -> SavedStages.of("org.apache.spark.ml.feature.OneHotEncoderModel")
                .param("inputCols", List.of("a")).param("outputCols", List.of("b")).param("handleInvalid", "error")
                .param("dropLast", true).data(SavedStages.row("categorySizes", List.of(3, 4))).load(temporary))
                .isInstanceOf(ModelException.class).hasMessageContaining("data has 2 category sizes for 1 input columns");
    }
}
