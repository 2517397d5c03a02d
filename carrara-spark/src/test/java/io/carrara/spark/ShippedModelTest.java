package io.carrara.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;
import org.junit.jupiter.api.Test;

/** Where a shipped model's files land: Spark's application directory, which Spark removes when it stops. */
class ShippedModelTest {
    private static final Path GOLDEN = Path.of("../carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression/model");

    @Test
    void writesTheFilesOnceUnderSparksApplicationDirectoryAndAgainIfTheyWereRemoved() throws Exception {
        LocalSpark.session();
        ShippedModel model = ShippedModel.read(GOLDEN);

        Path directory = model.directory();

        assertThat(directory).startsWith(Path.of(SparkFiles.getRootDirectory()).toAbsolutePath());
        assertThat(directory.resolve("metadata")).isDirectory();
        assertThat(model.directory()).isEqualTo(directory);
        try (var files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        Path again = model.directory();
        assertThat(again.resolve("metadata")).isDirectory();
    }
}
