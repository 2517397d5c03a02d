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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalitySensitiveHashingTest {
    @TempDir
    Path temporary;

    private StageRows minHash() {
        // Two hash functions: (a, b) = (1, 0) and (2, 1), so index i hashes to 1 + i and 2(1 + i) + 1.
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.MinHashLSHModel")
                .param("inputCol", "x").param("outputCol", "hashes")
                .data(SavedStages.row("randCoefficients", List.of(1, 0, 2, 1))).load(temporary), new Field("x", DataType.VECTOR));
    }

    private StageRows randomProjection() {
        return StageRows.compile(SavedStages.of("org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel")
                .param("inputCol", "x").param("outputCol", "hashes").param("bucketLength", 2.0)
                .data(SavedStages.row("randUnitVectors", DenseMatrix.ofRows(new double[] {1.0, 0.0}, new double[] {0.6, 0.8})))
                .load(temporary), new Field("x", DataType.VECTOR));
    }

    @Test
    void minHashTakesTheSmallestHashOfTheNonZeroIndices() {
        StageRows rows = minHash();

        assertThat(rows.score("x", dense(0.0, 5.0, 7.0))).containsEntry("hashes", List.of(dense(2.0), dense(5.0)));
        assertThat(rows.column("hashes").type()).isEqualTo(DataType.VECTOR_ARRAY);
    }

    @Test
    void randomProjectionFloorsEachProjectionOverTheBucketLength() {
        // (3, 4) . (1, 0) = 3 -> floor(1.5); (3, 4) . (0.6, 0.8) = 5 -> floor(2.5).
        assertThat(randomProjection().score("x", dense(3.0, 4.0))).containsEntry("hashes", List.of(dense(1.0), dense(2.0)));
        assertThat(randomProjection().score("x", dense(-1.0, 0.0))).containsEntry("hashes", List.of(dense(-1.0), dense(-1.0)));
    }

    @Test
    void aNullAnAllZeroOrAMissizedVectorIsARowErrorNamingTheColumn() {
        assertThatThrownBy(() -> minHash().score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; LSH needs a vector");
        assertThatThrownBy(() -> minHash().score("x", sparse(3, new int[0], new double[0]))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector with no non-zero entry; MinHash needs at least one");
        assertThatThrownBy(() -> randomProjection().score("x", dense(1.0, 2.0, 3.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 3; the projections have size 2");
    }
}
