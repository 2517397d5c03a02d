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

    /**
     * Monitoring with the catalog: outcomes and a reference profile read from tables, and the skew between what the
     * deployment logged online and what a batch job used and predicted for the same trips.
     */
    @Test
    void monitorsFromTablesAndComparesOnlineWithBatch() throws Exception {
        assertOk(carrara("project", "create", "watch"));
        assertOk(carrara("model", "create", "watch/trips"));
        CommandResult uploaded = carrara("instance", "upload", "watch/trips", GoldenModels.model(GoldenModels.TRIPS_LR).toString(),
                "--format", "spark-pipeline");
        assertOk(uploaded);
        String id = uploaded.out().trim();
        Path csv = work.resolve("watched-trips.csv");
        writeTrips(csv);
        assertOk(carrara("table", "import", csv.toString(), "--table", "watch.trips", "--schema-infer"));
        assertOk(carrara("deploy", "trips-watched", "--instance", id, "--log-sample-rate", "1"));
        assertOk(carrara("monitor", "configure", "trips-watched", "--task", "classification", "--outcome-key", "id"));

        // Online: every trip, with one more passenger than the batch job saw for every fourth.
        List<GoldenModels.Case> cases = GoldenModels.cases(GoldenModels.TRIPS_LR).stream().filter(c -> !c.skipped()).toList();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder online = new StringBuilder();
        StringBuilder labels = new StringBuilder("id,label\n");
        int changed = 0;
        int onDate = 0;
        for (GoldenModels.Case c : cases) {
            Map<String, Object> row = new java.util.LinkedHashMap<>(c.input());
            int trip = ((Number) row.get("id")).intValue();
            boolean scoredOnDate = GoldenModels.cases(GoldenModels.TRIPS_LR).indexOf(c) % 3 == 0;
            onDate += scoredOnDate ? 1 : 0;
            if (trip % 4 == 0 && row.get("passengers") != null) {
                row.put("passengers", ((Number) row.get("passengers")).intValue() + 1);
                changed += scoredOnDate ? 1 : 0;
            }
            online.append(json.writeValueAsString(row)).append('\n');
            labels.append(trip).append(',').append(trip % 2).append('\n');
        }
        Path inputs = Files.writeString(work.resolve("online.jsonl"), online.toString());
        assertOk(carrara("predict", "trips-watched", "--input", inputs.toString()));
        String[] batch = {"batch", "predict", "--instance", id, "--query", "SELECT * FROM watch.trips WHERE ds = '2026-11-01'",
            "--output", "watch.trip_scores", "--execution-date", "2026-11-01"};
        assertOk(carrara(batch));
        for (int attempt = 0; attempt < 200 && server.predictionLog().find("trips-watched", java.time.Instant.EPOCH,
                java.time.Instant.now().plusSeconds(60), 1000).size() < cases.size(); attempt++) {
            Thread.sleep(50);
        }

        CommandResult skew = carrara("monitor", "skew", "trips-watched", "--table", "watch.trip_scores", "--date", "2026-11-01",
                "--logged-from", java.time.Instant.now().minus(Duration.ofHours(1)).toString());
        assertOk(skew);
        List<String> lines = skew.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("skew of trips-watched against watch.trip_scores for 2026-11-01, matched by id:");
        assertThat(lines.get(1)).startsWith("  online: " + cases.size() + " logged predictions of " + cases.size() + " keys");
        assertThat(lines.get(3)).startsWith("  " + onDate + " keys on both sides, " + (cases.size() - onDate) + " online only, 0 batch only");
        String passengers = lines.stream().filter(line -> line.startsWith("passengers ")).findFirst().orElseThrow();
        assertThat(passengers.split(" +")).startsWith("passengers", "input", Integer.toString(onDate), Integer.toString(changed),
                String.format(java.util.Locale.ROOT, "%.4f", (double) changed / onDate), "1.00000");
        assertThat(changed).isPositive();
        assertThat(lines.stream().filter(line -> line.startsWith("city ")).findFirst().orElseThrow().split(" +"))
                .startsWith("city", "input", Integer.toString(onDate), "0", "0.0000");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("probability ").contains(" output "));
        assertThat(lines).noneSatisfy(line -> assertThat(line).startsWith("id "));
        CommandResult noKey = carrara("monitor", "skew", "trips-watched", "--table", "watch.trip_scores", "--date", "2026-11-02");
        assertThat(noKey.exitCode()).isEqualTo(1);
        assertThat(noKey.err()).contains("no key is on both sides");
        assertThat(carrara("monitor", "skew", "trips-watched", "--table", "watch.trip_scores", "--date", "2026-11-01", "--where",
                "1 = 1) OR (SELECT 1")
                .exitCode()).isEqualTo(1);

        // Outcomes from a table, keyed by the trip: they wait for the monitor to copy the logged trips' keys.
        Path labelsCsv = Files.writeString(work.resolve("labels.csv"), labels.toString());
        assertOk(carrara("table", "import", labelsCsv.toString(), "--table", "watch.trip_labels", "--schema-infer"));
        CommandResult loaded = carrara("outcomes", "load", "trips-watched", "--table", "watch.trip_labels", "--key", "id", "--outcome",
                "label");
        assertOk(loaded);
        assertThat(loaded.out()).isEqualTo("loaded " + cases.size() + " outcomes for trips-watched: " + cases.size() + " accepted (0"
                + " duplicates, " + cases.size() + " without a logged prediction yet), 0 refused\n");
        assertThat(carrara("outcomes", "load", "trips-watched", labelsCsv.toString(), "--table", "watch.trip_labels").err())
                .contains("give FILE or --table, not both");
        assertOk(carrara("monitor", "run"));
        assertThat(carrara("monitor", "show", "trips-watched").out()).contains(id + "  " + cases.size() + " ");

        // A reference profile from the table's first date, its label and ids left out.
        CommandResult profiled = carrara("instance", "profile", id, "--table", "watch.trips", "--where", "ds = '2026-11-01'",
                "--exclude", "id,ds,label,fare_class,fare");
        assertOk(profiled);
        assertThat(profiled.out()).startsWith("profiled instance " + id + " from " + onDate + " rows: ");
        assertThat(carrara("instance", "profile", id, "--table", "watch.trips", "--where", "ds = '1999-01-01'").err())
                .contains("watch.trips has no rows matching ds = '1999-01-01'");

        // The same windows on Spark, from the prediction log exported to a table: the same quality, and now drift too.
        String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        CommandResult exported = carrara("monitor", "export", "trips-watched", "--table", "watch.trips_log", "--from", yesterday, "--to",
                today);
        assertOk(exported);
        assertThat(exported.out()).startsWith("exported " + cases.size() + " logged predictions of trips-watched into watch.trips_log:");
        io.carrara.api.monitoring.MonitoringWindow before = client().monitoring().series("trips-watched", "1d", null, null).windows()
                .get(0);
        CommandResult computed = carrara("monitor", "compute", "trips-watched", "--table", "watch.trips_log", "--from", yesterday, "--to",
                today);
        assertOk(computed);
        assertThat(computed.out()).contains("windows computed on Spark from " + cases.size() + " logged predictions in watch.trips_log");
        io.carrara.api.monitoring.MonitoringWindow after = client().monitoring().series("trips-watched", "1d", null, null).windows()
                .get(0);
        assertThat(after.computedAt()).isAfter(before.computedAt());
        before.metrics().forEach((metric, value) -> assertThat(after.metrics().get(metric)).as(metric).isCloseTo(value,
                org.assertj.core.api.Assertions.within(1e-12)));
        assertThat(after.metrics()).containsKeys("accuracy", "rows", "drift.psi.max", "drift.psi.distance");
        // Exported again, the dates are replaced, not added to.
        assertOk(carrara("monitor", "export", "trips-watched", "--table", "watch.trips_log", "--from", yesterday, "--to", today));
        assertThat(carrara("table", "describe", "watch.trips_log", "--count").out()).contains(Integer.toString(cases.size()));
        CommandResult notALog = carrara("monitor", "compute", "trips-watched", "--table", "watch.trips", "--from", today);
        assertThat(notALog.exitCode()).isEqualTo(1);
        assertThat(notALog.err()).contains("watch.trips is not a prediction log table");
        assertThat(carrara("monitor", "export", "trips-watched", "--table", "watch.trips_log", "--from", "2026-01-01", "--to",
                "2026-03-01").err()).contains("at most 31 days");
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
