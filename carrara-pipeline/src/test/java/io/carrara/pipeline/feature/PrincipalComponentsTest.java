package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.SavedStages.DenseMatrix;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrincipalComponentsTest {
    @TempDir
    Path temporary;

    private StageRows pca() {
        // Three features, two components: the columns of pc are the components.
        DenseMatrix pc = DenseMatrix.ofRows(new double[] {1.0, 0.0}, new double[] {0.0, 0.5}, new double[] {2.0, -1.0});
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.PCAModel")
                .param("inputCol", "x").param("outputCol", "projected").param("k", 2)
                .data(SavedStages.row("pc", pc, "explainedVariance", dense(0.7, 0.3))).load(temporary),
                new Field("x", DataType.VECTOR));
    }

    @Test
    void projectsOntoTheComponentsAsADenseVector() {
        StageRows rows = pca();

        assertThat(rows.score("x", dense(1.0, 2.0, 3.0))).containsEntry("projected", dense(7.0, -2.0));
        assertThat(rows.score("x", sparse(3, new int[] {2}, new double[] {1.0}))).containsEntry("projected", dense(2.0, -1.0));
        assertThat(rows.column("projected").vectorSize()).hasValue(2);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorNamingTheColumn() {
        StageRows rows = pca();

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; PCA needs a vector");
        assertThatThrownBy(() -> rows.score("x", dense(1.0, 2.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 2; PCA was fitted on size 3");
    }
}
