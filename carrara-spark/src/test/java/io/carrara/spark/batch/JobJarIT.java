package io.carrara.spark.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar as spark-submit would run it, in a JVM of its own: the class path is Spark 4.1's
 * jars and their dependencies plus the job jar alone, the JVM flags those spark-submit adds, and
 * the master {@code local[2]}. spark-submit itself is not on Maven Central (only its launcher
 * library is, which needs a Spark installation), so this is the closest test without one.
 */
class JobJarIT {
    /** What spark-submit passes on Java 17 (Spark's JavaModuleOptions), as in this module's surefire argLine. */
    private static final List<String> SPARK_JVM_OPTIONS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

    @TempDir
    Path temporary;

    @Test
    void theJobJarScoresOnSparksOwnClassPath() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("carrara.jobJar"));
        String sparkClassPath = Files.readString(Path.of(System.getProperty("carrara.sparkClassPath"))).strip()
                + File.pathSeparator + Files.readString(Path.of(System.getProperty("carrara.sparkRuntimeClassPath"))).strip();
        assertThat(jar).exists();
        assertThat(sparkClassPath).doesNotContain("carrara-");
        Path trips = GoldenTrips.writeJsonLines(GoldenTrips.LOGISTIC_REGRESSION, temporary.resolve("trips.jsonl"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.addAll(SPARK_JVM_OPTIONS);
        command.addAll(List.of("-cp", jar + File.pathSeparator + sparkClassPath, "io.carrara.spark.batch.BatchJob",
                "--query", "SELECT * FROM json.`" + trips + "`", "--output", "ml.trip_predictions", "--execution-date", "2026-11-01",
                "--model-name", "rides/trip_outcome", "--instance", "00000000-0000-0000-0000-00000000000d",
                "--model-dir", GoldenTrips.model(GoldenTrips.LOGISTIC_REGRESSION).toString(),
                "--home", temporary.resolve("home").toString(), "--master", "local[2]", "--conf", "spark.ui.enabled=false"));
        Path out = temporary.resolve("out.txt");
        Path err = temporary.resolve("err.txt");
        Process process = new ProcessBuilder(command).directory(temporary.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }

        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(stderr).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).as(stderr).hasSize(1);
        JsonNode summary = new ObjectMapper().readTree(lines.get(0));
        assertThat(summary.get("rowsRead").asLong()).isEqualTo(40);
        assertThat(summary.get("rowsScored").asLong()).isEqualTo(38);
        assertThat(summary.get("rowsWritten").asLong()).isEqualTo(38);
        assertThat(summary.get("errorRowsWritten").asLong()).isEqualTo(2);
        assertThat(temporary.resolve("home/spark/warehouse/ml.db/trip_predictions/execution_date=2026-11-01")).isDirectory();
        assertThat(temporary.resolve("home/spark/derby.log")).exists();
        assertThat(temporary.resolve("derby.log")).doesNotExist();
        assertThat(stderr).doesNotContain(" INFO ");
    }
}
