package io.carrara.spark.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.spark.table.ImportRequest;
import io.carrara.spark.table.SparkTables;
import io.carrara.spark.table.TableName;
import io.carrara.spi.archive.ModelArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit entry point run in this JVM, as spark-submit would run it ({@code --master
 * local[2]}, the model as a zip extracted on the driver), on the shared catalog session.
 */
class BatchJobTest {
    @TempDir
    Path temporary;

    @Test
    void scoresFromAZipAndPrintsOneLineOfJson() throws IOException {
        SparkSession spark = CatalogSpark.session();
        spark.sql("DROP DATABASE IF EXISTS job_test CASCADE");
        Path csv = GoldenTrips.writeCsv(GoldenTrips.LOGISTIC_REGRESSION, temporary.resolve("trips.csv"));
        new SparkTables(spark).importFile(ImportRequest.of(csv, TableName.parse("job_test.trips", "table")).withInferSchema(true));
        Path zip = temporary.resolve("model.zip");
        try (OutputStream out = Files.newOutputStream(zip)) {
            ModelArchive.pack(GoldenTrips.model(GoldenTrips.LOGISTIC_REGRESSION), out);
        }

        Run run = run("--query", "SELECT * FROM job_test.trips", "--output", "job_test.predictions", "--execution-date", "2026-11-01",
                "--model-name", "rides/trip_outcome", "--instance", "00000000-0000-0000-0000-00000000000c", "--model-zip", zip.toString(),
                "--columns", "probability,prediction", "--home", CatalogSpark.home().toString(), "--master", "local[2]");

        assertThat(run.code).as(run.err).isZero();
        assertThat(run.out.lines()).hasSize(1);
        JsonNode summary = new ObjectMapper().readTree(run.out);
        assertThat(summary.get("status").asText()).isEqualTo("succeeded");
        assertThat(summary.get("rowsRead").asLong()).isEqualTo(40);
        assertThat(summary.get("rowsScored").asLong()).isEqualTo(38);
        assertThat(summary.get("rowsSkipped").asLong()).isEqualTo(2);
        assertThat(summary.get("rowsWritten").asLong()).isEqualTo(38);
        assertThat(summary.get("output").asText()).isEqualTo("job_test.predictions");
        assertThat(List.of(spark.table("job_test.predictions").schema().fieldNames())).contains("probability", "prediction")
                .doesNotContain("features");
    }

    @Test
    void aFailingJobExitsOneWithTheReason() {
        CatalogSpark.session();

        Run run = run("--query", "SELECT * FROM job_test.no_such_table", "--output", "job_test.none", "--execution-date", "2026-11-01",
                "--model-name", "rides/trip_outcome", "--instance", "00000000-0000-0000-0000-00000000000c",
                "--model-dir", GoldenTrips.model(GoldenTrips.LOGISTIC_REGRESSION).toString(), "--home", CatalogSpark.home().toString(),
                "--master", "local[2]");

        assertThat(run.code).isEqualTo(1);
        assertThat(run.out).isEmpty();
        assertThat(run.err).contains("no_such_table").contains("carrara table list");
    }

    @Test
    void aPythonModelHomeIsRefusedWithWhereToRunIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws IOException {
        java.nio.file.Files.writeString(home.resolve("carrara.yaml"), "formatVersion: 1\nkind: dataframe\n");

        Run run = run("--query", "SELECT 1 AS x", "--output", "job_test.python", "--execution-date", "2026-11-01",
                "--model-name", "geo/points", "--instance", "00000000-0000-0000-0000-00000000000d", "--model-dir", home.toString(),
                "--master", "local[1]");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).contains("Python model").contains("carrara batch predict");
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BatchJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
