package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscreteCosineTransformTest {
    @TempDir
    Path temporary;

    private StageRows dct(boolean inverse) {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.DCT")
                .param("inputCol", "x").param("outputCol", "frequencies").param("inverse", inverse).load(temporary), Field.vector("x", 2));
    }

    @Test
    void theOrthonormalTransformAndItsInverse() {
        // Two points: X0 = (x0 + x1) / sqrt(2), X1 = (x0 - x1) / sqrt(2).
        Vector forward = (Vector) dct(false).score("x", dense(3.0, 1.0)).get("frequencies");
        Vector back = (Vector) dct(true).score("x", forward).get("frequencies");

        assertThat(forward.toArray()).containsExactly(new double[] {4.0 / Math.sqrt(2), 2.0 / Math.sqrt(2)}, within(1e-12));
        assertThat(back.toArray()).containsExactly(new double[] {3.0, 1.0}, within(1e-12));
        assertThat(dct(false).column("frequencies").vectorSize()).hasValue(2);
    }

    @Test
    void aNullVectorIsARowErrorNamingTheColumn() {
        assertThatThrownBy(() -> dct(false).score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; DCT needs a vector");
    }
}
