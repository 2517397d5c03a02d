package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolynomialExpansionTest {
    @TempDir
    Path temporary;

    private StageRows expansion(int degree) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.PolynomialExpansion")
                .param("inputCol", "x").param("outputCol", "expanded").param("degree", degree).load(temporary), Field.vector("x", 2));
    }

    @Test
    void expandsToEveryMonomialInSparksOrder() {
        // For (x, y): x, x^2, y, xy, y^2 at degree 2; the example of Spark's guide at degree 3.
        assertThat(expansion(2).score("x", dense(2.0, 3.0))).containsEntry("expanded", dense(2.0, 4.0, 3.0, 6.0, 9.0));
        assertThat(expansion(3).score("x", dense(2.0, 1.0))).containsEntry("expanded", dense(2.0, 4.0, 8.0, 1.0, 2.0, 4.0, 1.0, 2.0, 1.0));
        assertThat(expansion(1).score("x", dense(2.0, 3.0))).containsEntry("expanded", dense(2.0, 3.0));
        assertThat(expansion(2).column("expanded").vectorSize()).isEmpty();
    }

    @Test
    void aSparseVectorExpandsOverItsStoredEntriesAndStaysSparse() {
        Object expanded = expansion(2).score("x", sparse(2, new int[] {1}, new double[] {3.0})).get("expanded");

        assertThat(expanded).isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, 0.0, 3.0, 0.0, 9.0));
    }

    @Test
    void aNullVectorIsARowErrorAndDegreeBelowOneAModelError() {
        assertThatThrownBy(() -> expansion(2).score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; PolynomialExpansion needs a vector");
        assertThatThrownBy(() -> expansion(0)).isInstanceOf(ModelException.class).hasMessageContaining("degree is 0; Spark requires at least 1");
    }
}
