package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorAssemblerTest {
    @TempDir
    Path temporary;

    private StageRows assembler(String handleInvalid, Field... input) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.VectorAssembler")
                .param("inputCols", List.of("a", "v", "flag")).param("outputCol", "features").param("handleInvalid", handleInvalid)
                .load(temporary), input);
    }

    private static Field[] schema() {
        return new Field[] {new Field("a", DataType.DOUBLE), Field.vector("v", 2), new Field("flag", DataType.BOOLEAN)};
    }

    @Test
    void concatenatesNumbersVectorsAndBooleansInOrder() {
        StageRows rows = assembler("error", schema());

        assertThat(rows.score("a", 1.5, "v", dense(2.0, 3.0), "flag", true)).containsEntry("features", dense(1.5, 2.0, 3.0, 1.0));
        assertThat(rows.column("features").vectorSize()).hasValue(4);
    }

    @Test
    void storesTheResultSparseOrDenseBySparksSizeRule() {
        StageRows rows = assembler("error", new Field("a", DataType.DOUBLE), Field.vector("v", 8), new Field("flag", DataType.BOOLEAN));

        Object mostlyZeros = rows.score("a", 0.0, "v", sparse(8, new int[] {3}, new double[] {5.0}), "flag", false).get("features");
        Object full = rows.score("a", 1.0, "v", dense(1, 2, 3, 4, 5, 6, 7, 8), "flag", true).get("features");

        assertThat(mostlyZeros).isInstanceOf(SparseVector.class).isEqualTo(sparse(10, new int[] {4}, new double[] {5.0}));
        assertThat(full).isInstanceOf(DenseVector.class);
    }

    @Test
    void errorRejectsANullOrANaNNumberNamingTheColumnAndTheFix() {
        StageRows rows = assembler("error", schema());

        assertThatThrownBy(() -> rows.score("a", null, "v", dense(2.0, 3.0), "flag", true))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("a"))
                .hasMessage("null in column a; set handleInvalid=keep to assemble it as NaN or handleInvalid=skip to drop such rows");
        assertThatThrownBy(() -> rows.score("a", Double.NaN, "v", dense(2.0, 3.0), "flag", true)).isInstanceOf(RowException.class)
                .hasMessage("NaN in column a; set handleInvalid=keep to assemble it or handleInvalid=skip to drop such rows");
        assertThatThrownBy(() -> rows.score("a", 1.0, "v", null, "flag", true))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("v"));
    }

    @Test
    void skipDropsNullsAndNaNNumbersButKeepsANaNInsideAVector() {
        StageRows rows = assembler("skip", schema());

        assertThat(rows.isDropped("a", null, "v", dense(2.0, 3.0), "flag", true)).isTrue();
        assertThat(rows.isDropped("a", Double.NaN, "v", dense(2.0, 3.0), "flag", true)).isTrue();
        assertThat(rows.isDropped("a", 1.0, "v", null, "flag", true)).isTrue();
        assertThat(rows.score("a", 1.0, "v", dense(Double.NaN, 3.0), "flag", false).get("features").toString())
                .isEqualTo("[1.0, NaN, 3.0, 0.0]");
    }

    @Test
    void keepWritesNaNForNullsAsManyAsTheVectorsSize() {
        StageRows rows = assembler("keep", schema());

        assertThat(rows.score("a", null, "v", null, "flag", true).get("features").toString()).isEqualTo("[NaN, NaN, NaN, 1.0]");
    }

    @Test
    void keepNeedsEveryVectorsSizeAndStringsAreRefusedAtCompile() {
        assertThatThrownBy(() -> assembler("keep", new Field("a", DataType.DOUBLE), new Field("v", DataType.VECTOR),
                new Field("flag", DataType.BOOLEAN))).isInstanceOf(ModelException.class)
                .hasMessageContaining("cannot know the size of vector column 'v' with handleInvalid=keep");
        assertThatThrownBy(() -> assembler("error", new Field("a", DataType.STRING), Field.vector("v", 2),
                new Field("flag", DataType.BOOLEAN))).isInstanceOf(ModelException.class)
                .hasMessageContaining("input column 'a' is STRING; VectorAssembler takes numeric, boolean and vector columns");
        assertThat(assembler("error", new Field("a", DataType.DOUBLE), new Field("v", DataType.VECTOR),
                new Field("flag", DataType.BOOLEAN)).column("features").vectorSize()).isEmpty();
    }
}
