package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.api.workflow.WorkflowRun;
import io.carrara.client.CarraraClient;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk-through with the CLI against a real server running Spark locally: import a CSV,
 * batch-score it with an uploaded Spark pipeline, export the result, re-run the date without
 * duplicates, backfill three dates with another instance, and have a registered workflow run by
 * the scheduler.
 */
class BatchEndToEndTest {

    @TempDir
    static Path serverHome;

    @TempDir
    static Path work;

    private static CarraraServer server;

    @BeforeAll
    static void startServer() {
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(serverHome, Map.of(),
                Map.of("port", "0", "spark.master", "local[2]", "workflows.pollSeconds", "1"))).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void importScoreExportRerunBackfillAndSchedule() throws Exception {
        Path csv = work.resolve("trips.csv");
        int rows = writeTrips(csv);
        assertOk(carrara("project", "create", "demo"));
        assertOk(carrara("model", "create", "demo/trips"));
        String first = upload();
        String second = upload();

        CommandResult imported = carrara("table", "import", csv.toString(), "--table", "ml.trips", "--schema-infer");
        assertOk(imported);
        assertThat(imported.out()).contains("imported " + rows + " rows into ml.trips");
        assertThat(carrara("table", "list", "--database", "ml").out()).contains("ml.trips");
        assertThat(carrara("table", "describe", "ml.trips", "--count").out()).contains("distance", "double", Integer.toString(rows));

        String[] predict = {"batch", "predict", "--instance", first, "--query", "SELECT * FROM ml.trips WHERE ds = '2026-11-01'",
            "--output", "ml.trip_predictions", "--execution-date", "2026-11-01"};
        CommandResult scored = carrara(predict);
        assertOk(scored);
        assertThat(scored.out()).contains("read", "scored", "failed", "written", "ml.trip_predictions_errors");
        assertThat(carrara(predict).exitCode()).isZero();

        Path exported = work.resolve("out.csv");
        CommandResult export = carrara("table", "export", "ml.trip_predictions", "--output", exported.toString(),
                "--where", "execution_date = '2026-11-01'");
        assertOk(export);
        List<String> lines = Files.readAllLines(exported);
        long written = client().batch().list(1, 0).items().get(0).result().rowsWritten();
        assertThat(lines).as("the re-run replaced the partition").hasSize((int) written + 1);
        assertThat(lines.subList(1, lines.size())).allSatisfy(line -> assertThat(line).contains(first));

        Path workflow = work.resolve("trips-daily.yaml");
        Files.writeString(workflow, """
                name: trips-daily
                steps:
                  - name: features
                    sql: SELECT * FROM ml.trips WHERE ds = '{{ execution_date }}'
                    output: ml.trip_features
                  - name: score
                    predict:
                      instance: %s
                      query: SELECT * FROM ml.trip_features
                      output: ml.trip_predictions
                """.formatted(first));
        CommandResult backfill = carrara("workflow", "backfill", workflow.toString(), "--from", "2026-11-01", "--to", "2026-11-03",
                "--instance", second);
        assertOk(backfill);
        Path all = work.resolve("all.jsonl");
        assertOk(carrara("table", "export", "ml.trip_predictions", "--output", all.toString()));
        List<String> scoredRows = Files.readAllLines(all);
        assertThat(scoredRows).isNotEmpty().allSatisfy(line -> assertThat(line).contains("\"model_instance\":\"" + second + "\""));
        for (String date : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
            assertThat(scoredRows).anySatisfy(line -> assertThat(line).contains("\"execution_date\":\"" + date + "\""));
        }
        assertThat(carrara("workflow", "runs", "trips-daily").out()).contains("2026-11-03", "backfill", "succeeded");

        Path scheduled = work.resolve("scheduled.yaml");
        Files.writeString(scheduled, """
                name: every-two-seconds
                schedule: "*/2 * * * * *"
                steps:
                  - name: score
                    predict:
                      instance: %s
                      query: SELECT * FROM ml.trips WHERE ds = '2026-11-01'
                      output: ml.scheduled_predictions
                """.formatted(first));
        assertOk(carrara("workflow", "register", scheduled.toString()));
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        WorkflowRun run = null;
        while (run == null && System.nanoTime() < deadline) {
            run = client().workflows().runs("every-two-seconds", 10, 0).items().stream()
                    .filter(candidate -> candidate.status() == io.carrara.api.workflow.RunStatus.SUCCEEDED).findFirst().orElse(null);
            Thread.sleep(500);
        }
        assertThat(run).as("a scheduled run succeeded").isNotNull();
        assertThat(run.trigger()).isEqualTo(io.carrara.api.workflow.Trigger.SCHEDULE);
        assertOk(carrara("workflow", "unregister", "every-two-seconds"));
    }

    private static String upload() throws IOException {
        CommandResult uploaded = carrara("instance", "upload", "demo/trips", GoldenModels.model(GoldenModels.TRIPS_LR).toString(),
                "--format", "spark-pipeline");
        assertOk(uploaded);
        return UUID.fromString(uploaded.out().trim()).toString();
    }

    /** The golden trips inputs as CSV, spread over three dates in a ds column; answers the row count. */
    private static int writeTrips(Path csv) throws IOException {
        Files.writeString(csv, GoldenModels.inputsCsv(GoldenModels.TRIPS_LR, "ds", i -> "2026-11-0" + (1 + i % 3)));
        return GoldenModels.cases(GoldenModels.TRIPS_LR).size();
    }

    private static void assertOk(CommandResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private static CarraraClient client() {
        return CarraraClient.builder(server.uri()).user("alice").build();
    }

    private static CommandResult carrara(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--user", "alice"));
        all.addAll(List.of(args));
        return CommandResult.run(all.toArray(String[]::new));
    }
}
