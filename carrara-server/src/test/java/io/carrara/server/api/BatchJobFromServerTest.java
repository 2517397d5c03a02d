package io.carrara.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.model.Instance;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestModels;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spark.batch.BatchJob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit job ({@link BatchJob}) fetching its model from a running Carrara server with
 * {@code --carrara}, as a cluster's driver would: the instance's pipeline comes over HTTP from the
 * server's blob store, checked against its SHA-256, and the model's name comes with it.
 */
class BatchJobFromServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theJobFetchesTheInstanceFromTheServerAndScoresWithIt(@TempDir Path serverHome, @TempDir Path work) throws Exception {
        try (CarraraServer server = CarraraServer.start(ServerConfig.embedded(serverHome, 0).withAuth(ServerConfig.Auth.OFF))) {
            Instance instance = TestModels.uploadPipeline(server.registry(), new ModelRef("demand", "trips"),
                    GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
            Path trips = work.resolve("trips.jsonl");
            List<String> lines = new ArrayList<>();
            for (Map<String, Object> row : GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 10)) {
                lines.add(JSON.writeValueAsString(row));
            }
            Files.write(trips, lines);
            try {
                Result ok = run("--carrara", server.uri().toString(), "--instance", instance.id().toString(),
                        "--query", "SELECT * FROM json.`" + trips + "`", "--output", "ml.trip_predictions",
                        "--execution-date", "2026-11-01", "--home", work.resolve("job-home").toString(), "--master", "local[2]",
                        "--conf", "spark.ui.enabled=false");
                assertThat(ok.code()).as(ok.err()).isZero();
                JsonNode summary = JSON.readTree(ok.out().lines().reduce((first, second) -> second).orElseThrow());
                assertThat(summary.get("status").asText()).isEqualTo("succeeded");
                assertThat(summary.get("model").asText()).isEqualTo("demand/trips");
                assertThat(summary.get("instance").asText()).isEqualTo(instance.id().toString());
                assertThat(summary.get("rowsScored").asInt()).isEqualTo(10);

                Result missing = run("--carrara", server.uri().toString(), "--instance", UUID.randomUUID().toString(),
                        "--query", "SELECT 1", "--output", "ml.x", "--execution-date", "2026-11-01");
                assertThat(missing.code()).isNotZero();
                assertThat(missing.err()).contains("has no instance");

                Result mismatch = run("--carrara", server.uri().toString(), "--instance", instance.id().toString(),
                        "--model-name", "demand/other", "--query", "SELECT 1", "--output", "ml.x", "--execution-date", "2026-11-01");
                assertThat(mismatch.code()).isNotZero();
                assertThat(mismatch.err()).contains("is not instance");
            } finally {
                SparkSession.getDefaultSession().foreach(session -> {
                    session.stop();
                    return null;
                });
            }
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BatchJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
