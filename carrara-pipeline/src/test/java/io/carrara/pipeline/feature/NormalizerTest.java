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

class NormalizerTest {
    @TempDir
    Path temporary;

    private StageRows normalizer(double p) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.Normalizer")
                .param("inputCol", "x").param("outputCol", "unit").param("p", p).load(temporary), Field.vector("x", 2));
    }

    @Test
    void dividesByThePNorm() {
        assertThat(normalizer(2.0).score("x", dense(3.0, -4.0))).containsEntry("unit", dense(0.6, -0.8));
        assertThat(normalizer(1.0).score("x", dense(3.0, -1.0))).containsEntry("unit", dense(0.75, -0.25));
        assertThat(normalizer(Double.POSITIVE_INFINITY).score("x", dense(2.0, -8.0))).containsEntry("unit", dense(0.25, -1.0));
        assertThat(normalizer(3.0).score("x", dense(2.0, 0.0))).containsEntry("unit", dense(1.0, 0.0));
        assertThat(normalizer(2.0).column("unit").vectorSize()).hasValue(2);
    }

    @Test
    void aZeroVectorStaysAsItIsAndASparseOneStaysSparse() {
        assertThat(normalizer(2.0).score("x", dense(0.0, 0.0))).containsEntry("unit", dense(0.0, 0.0));
        assertThat(normalizer(2.0).score("x", sparse(2, new int[] {1}, new double[] {-5.0})).get("unit"))
                .isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, -1.0));
    }

    @Test
    void aNullVectorIsARowErrorAndPBelowOneAModelError() {
        assertThatThrownBy(() -> normalizer(2.0).score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; Normalizer needs a vector");
        assertThatThrownBy(() -> normalizer(0.5)).isInstanceOf(ModelException.class).hasMessageContaining("p is 0.5; Spark requires p >= 1");
    }
}
