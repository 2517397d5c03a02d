package io.carrara.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.spi.archive.ModelArchive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden Spark saves travel as model archives within the default limits, and load from the extracted copy. */
class GoldenModelArchivesTest {
    @TempDir
    Path temporary;

    @Test
    void everyGoldenModelPacksWellWithinTheDefaultLimitsAndLoadsOnceExtracted() throws IOException {
        for (GoldenCase golden : GoldenCase.all()) {
            ByteArrayOutputStream archive = new ByteArrayOutputStream();
            ModelArchive.pack(golden.model(), archive);
            double ratio = (double) sizeOf(golden.model()) / archive.size();
            Path extracted = temporary.resolve(golden.name().replace('/', '_'));

            ModelArchive.validate(new ByteArrayInputStream(archive.toByteArray()));
            ModelArchive.extract(new ByteArrayInputStream(archive.toByteArray()), extracted);

            // The default ratio should be far above what real saves reach; see Limits.DEFAULT.
            assertThat(ratio).as("%s expands %.2f to 1", golden.name(), ratio)
                    .isLessThan(ModelArchive.Limits.DEFAULT.maxCompressionRatio() / 10.0);
            SparkPipeline.checkLayout(extracted);
            assertThat(SparkPipeline.load(extracted).stages()).as(golden.name()).isNotEmpty();
        }
    }

    private static long sizeOf(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
