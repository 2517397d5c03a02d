package io.carrara.pipeline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.GoldenCase;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.linalg.Matrix;
import io.carrara.pipeline.linalg.Vector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetTableTest {
    private static final GoldenCase BARE = GoldenCase.of("4.1.0", "bare-logistic-regression");

    @TempDir
    Path temporary;

    @Test
    void readsSparksVectorAndMatrixStructs() {
        DataRecord data = read(BARE.model().resolve("data"), "test").get(0);

        assertThat(data.getInt("numClasses")).isEqualTo(2);
        assertThat(data.getBoolean("isMultinomial")).isFalse();
        Matrix coefficients = data.getMatrix("coefficientMatrix");
        assertThat(coefficients.numRows()).isEqualTo(1);
        assertThat(coefficients.numCols()).isEqualTo(data.getInt("numFeatures"));
        Vector intercept = data.getVector("interceptVector");
        assertThat(intercept.size()).isEqualTo(1);
    }

    @Test
    void readsEveryPartFileInNameOrder() throws IOException {
        Path data = Files.createDirectory(temporary.resolve("data"));
        Path part = partFile(BARE.model().resolve("data"));
        Files.copy(part, data.resolve("part-00000-a.snappy.parquet"));
        Files.copy(part, data.resolve("part-00001-b.snappy.parquet"));
        Files.writeString(data.resolve("_SUCCESS"), "");
        Files.writeString(data.resolve(".part-00000-a.snappy.parquet.crc"), "not parquet");

        List<DataRecord> records = read(data, "test");

        assertThat(records).hasSize(2);
        assertThat(records.get(0).getMatrix("coefficientMatrix").get(0, 1))
                .isEqualTo(records.get(1).getMatrix("coefficientMatrix").get(0, 1));
    }

    @Test
    void aMissingColumnIsAModelErrorNamingTheStage() {
        DataRecord data = read(BARE.model().resolve("data"), "stage 0 (logreg_1, LogisticRegressionModel)").get(0);

        assertThatThrownBy(() -> data.getVector("coefficients"))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("stage 0 (logreg_1, LogisticRegressionModel): data has no column 'coefficients'");
    }

    @Test
    void anEmptyDataDirectoryIsAModelError() throws IOException {
        Path data = Files.createDirectory(temporary.resolve("empty"));

        assertThatThrownBy(() -> read(data, "stage 1"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no part-*.parquet file in 'empty'");
    }

    @Test
    void aPartFileLinkedToOutsideTheModelIsRefusedWithoutNamingServerPaths() throws IOException {
        Path model = Files.createDirectory(temporary.resolve("model"));
        Path data = Files.createDirectory(model.resolve("data"));
        Path outside = Files.copy(partFile(BARE.model().resolve("data")), temporary.resolve("secret.parquet"));
        Files.createSymbolicLink(data.resolve("part-00000.parquet"), outside);

        assertThatThrownBy(() -> read(data, "stage 1"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("stage 1: a path leaves the model directory: 'data/part-00000.parquet' is a symbolic link")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(temporary.toString()));
    }

    /** Rows of {@code directory}, in a model rooted at its parent. */
    private static List<DataRecord> read(Path directory, String stage) {
        return ParquetTable.read(ModelDirectory.of(directory.getParent()), directory, stage);
    }

    private static Path partFile(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
    }
}
