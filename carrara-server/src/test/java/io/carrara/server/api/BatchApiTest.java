package io.carrara.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.model.Instance;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables, batch jobs and workflows over real HTTP on a server running Spark in-process (local mode,
 * the embedded catalog under the server's home): import a CSV, score it, export the result, re-run
 * the date, backfill with another instance, and every refusal as a 4xx naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelRef TRIPS = new ModelRef("demand", "trips");

    private final HttpClient http = TestHttp.client();
    private CarraraServer server;
    private Instance first;
    private Instance second;
    private int rowCount;

    @BeforeAll
    void start(@TempDir Path home) {
        server = CarraraServer.start(ServerConfig.from(io.carrara.server.config.ServerSettings.load(home, Map.of(),
                Map.of("port", "0", "spark.master", "local[2]"))).withAuth(ServerConfig.Auth.OFF));
        first = TestModels.uploadPipeline(server.registry(), TRIPS, GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
        second = TestModels.uploadPipeline(server.registry(), TRIPS, GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void importScoreExportRerunAndBackfillOverHttp() throws Exception {
        HttpResponse<String> imported = send(HttpRequest.newBuilder(uri("/api/v1/tables/ml.trips/import?format=csv&inferSchema=true"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(tripsCsv())));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(json(imported).get("rowsImported").asInt()).isEqualTo(rowCount);

        JsonNode listed = json(get("/api/v1/tables?database=ml"));
        assertThat(listed.get("items").findValuesAsText("name")).contains("ml.trips");
        JsonNode described = json(get("/api/v1/tables/ml.trips?rows=true"));
        assertThat(described.get("rows").asInt()).isEqualTo(rowCount);
        assertThat(described.get("columns").findValuesAsText("name")).contains("id", "city", "ds");

        JsonNode job = submit(first.id().toString(), "SELECT * FROM ml.trips WHERE ds = '2026-11-01'", "2026-11-01");
        JsonNode done = awaitJob(job.get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        long written = done.get("result").get("rowsWritten").asLong();
        assertThat(done.get("result").get("rowsRead").asLong()).isPositive();
        assertThat(done.get("progress").get("phase").asText()).isEqualTo("done");

        JsonNode rerun = awaitJob(submit(first.id().toString(), "SELECT * FROM ml.trips WHERE ds = '2026-11-01'", "2026-11-01")
                .get("id").asText());
        assertThat(rerun.get("result").get("rowsWritten").asLong()).isEqualTo(written);
        assertError(post("/api/v1/batch/jobs/" + rerun.get("id").asText() + "/cancel", ""), 400, "id");

        HttpResponse<String> csv = get("/api/v1/tables/ml.trip_predictions/rows?format=csv&where="
                + URLEncoder.encode("execution_date = '2026-11-01'", StandardCharsets.UTF_8));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize((int) written + 1);
        assertThat(csv.headers().firstValue("X-Carrara-Rows")).contains(Long.toString(written));
        assertThat(lines.get(0)).contains("prediction", "model_instance", "execution_date");
        assertThat(lines.subList(1, lines.size())).allSatisfy(line -> assertThat(line).contains(first.id().toString()));

        assertThat(get("/metrics").body()).contains("carrara_batch_jobs_total{status=\"succeeded\"}", "carrara_batch_rows_total",
                "carrara_batch_job_duration_seconds");
        JsonNode jobs = json(get("/api/v1/batch/jobs?limit=1"));
        assertThat(jobs.get("items")).hasSize(1);
        assertThat(jobs.get("nextOffset").asInt()).isEqualTo(1);

        String yaml = """
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
                """.formatted(first.id());
        HttpResponse<String> registered = send(HttpRequest.newBuilder(uri("/api/v1/workflows"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(json(registered).get("schedule").isNull()).isTrue();

        ObjectNode backfill = JSON.createObjectNode().put("definition", yaml).put("from", "2026-11-01").put("to", "2026-11-03")
                .put("instance", second.id().toString());
        HttpResponse<String> queued = post("/api/v1/workflow-runs/backfill", backfill.toString());
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        for (JsonNode run : json(queued).get("items")) {
            JsonNode finished = awaitRun(run.get("id").asText());
            assertThat(finished.get("status").asText()).as(finished.toString()).isEqualTo("succeeded");
            assertThat(finished.get("trigger").asText()).isEqualTo("backfill");
        }
        JsonNode runs = json(get("/api/v1/workflows/trips-daily/runs"));
        assertThat(runs.get("items").findValuesAsText("executionDate")).containsExactly("2026-11-03", "2026-11-02", "2026-11-01");

        HttpResponse<String> all = get("/api/v1/tables/ml.trip_predictions/rows?format=jsonl");
        List<JsonNode> rows = new ArrayList<>();
        for (String line : all.body().lines().toList()) {
            rows.add(JSON.readTree(line));
        }
        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(row.get("model_instance").asText()).isEqualTo(second.id().toString()));
        assertThat(rows.stream().map(row -> row.get("execution_date").asText()).distinct().sorted().toList())
                .containsExactly("2026-11-01", "2026-11-02", "2026-11-03");
        assertThat(rows.stream().filter(row -> row.get("execution_date").asText().equals("2026-11-01")).count())
                .as("the backfill replaced the first run's partition").isEqualTo(written);

        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/workflows/trips-daily")).DELETE()).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/workflows/trips-daily").statusCode()).isEqualTo(404);
    }

    @Test
    void sqlThatReachesTheMachineIsRefusedBeforeAnythingRuns() throws Exception {
        HttpResponse<String> imported = send(HttpRequest.newBuilder(uri("/api/v1/tables/ml.guarded/import?inferSchema=true"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("id,city\n1,nyc\n2,sf\n")));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        String property = "carrara.test.reflected." + System.nanoTime();

        // The reproduction: reflect() in a table condition reached DriverManager and H2's INIT.
        assertRefused(get("/api/v1/tables/ml.guarded/rows?where=" + encode("reflect('java.sql.DriverManager','getConnection',"
                + "'jdbc:h2:mem:x;INIT=CREATE ALIAS EXEC AS ''String e(String c) { return c; }''') IS NOT NULL")),
                "where", "reflect");
        assertRefused(get("/api/v1/tables/ml.guarded/rows?where=" + encode("java_method('java.lang.System','setProperty','"
                + property + "','yes') IS NOT NULL")), "where", "java_method");
        assertRefused(post("/api/v1/batch/jobs", JSON.createObjectNode().put("instance", first.id().toString())
                .put("query", "SELECT *, reflect('java.lang.System','setProperty','" + property + "','yes') AS x FROM ml.guarded")
                .put("output", "ml.guarded_scores").put("executionDate", "2026-11-01").toString()), "query", "reflect");
        assertThat(System.getProperty(property)).as("nothing was called").isNull();

        for (String sql : List.of("SELECT * FROM text.`/etc/passwd`", "DROP TABLE ml.guarded",
                "CREATE TABLE ml.etc USING text LOCATION '/etc'",
                "INSERT OVERWRITE DIRECTORY '/tmp/carrara-x' SELECT * FROM ml.guarded",
                "SET spark.sql.runSQLOnFiles=true", "ADD JAR /tmp/evil.jar",
                "SELECT TRANSFORM(id) USING 'cat /etc/passwd' FROM ml.guarded")) {
            String workflow = "name: guarded\nsteps:\n  - name: step\n    sql: \"" + sql.replace("\"", "\\\"")
                    + "\"\n    output: ml.guarded_out\n";
            assertRefused(post("/api/v1/workflow-runs", JSON.createObjectNode().put("definition", workflow)
                    .put("executionDate", "2026-11-01").toString()), "steps.step.sql", null);
            assertRefused(send(HttpRequest.newBuilder(uri("/api/v1/workflows")).header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString(workflow))), "steps.step.sql", null);
        }
        assertThat(get("/api/v1/tables/ml.guarded").statusCode()).as("the table survived").isEqualTo(200);
        assertThat(get("/api/v1/tables/ml.etc").statusCode()).isEqualTo(404);
        assertThat(Path.of("/tmp/carrara-x")).doesNotExist();
        assertThat(get("/api/v1/workflows/guarded").statusCode()).isEqualTo(404);

        // Ordinary SQL still runs: a condition with functions.
        HttpResponse<String> rows = get("/api/v1/tables/ml.guarded/rows?where=" + encode("upper(city) IN ('NYC') AND id > 0"));
        assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
        assertThat(rows.body().lines()).hasSize(1);
    }

    private static void assertRefused(HttpResponse<String> response, String field, String construct) throws Exception {
        assertError(response, 400, field);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).as(response.body()).isEqualTo("SQL_REFUSED");
        if (construct != null) {
            assertThat(error.get("message").asText()).contains(construct);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void badRequestsAreRefusedWithTheField() throws Exception {
        assertError(post("/api/v1/batch/jobs", "{\"instance\":\"" + first.id() + "\",\"deployment\":\"x\",\"query\":\"SELECT 1\","
                + "\"output\":\"ml.x\",\"executionDate\":\"2026-11-01\"}"), 400, "instance");
        assertError(post("/api/v1/batch/jobs", "{\"instance\":\"" + first.id() + "\",\"query\":\"SELECT 1\","
                + "\"output\":\"ml.x\",\"executionDate\":\"2026-13-01\"}"), 400, "executionDate");
        assertError(post("/api/v1/batch/jobs", "{\"instance\":\"" + first.id() + "\",\"query\":\"SELECT 1\","
                + "\"output\":\"no such table\",\"executionDate\":\"2026-11-01\"}"), 400, "output");
        assertError(post("/api/v1/batch/jobs", "{\"instance\":\"00000000-0000-0000-0000-000000000000\",\"query\":\"SELECT 1\","
                + "\"output\":\"ml.x\",\"executionDate\":\"2026-11-01\"}"), 404, null);
        assertError(get("/api/v1/batch/jobs/not-a-uuid"), 400, "id");
        assertError(get("/api/v1/tables/ml.no_such_table"), 404, null);
        assertError(send(HttpRequest.newBuilder(uri("/api/v1/tables/ml.t/import?format=xml")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("a,b\n1,2\n"))), 400, "format");
        assertError(send(HttpRequest.newBuilder(uri("/api/v1/tables/ml.t/import?schema=id%20intt")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("id\n1\n"))), 400, "schema");
        assertError(send(HttpRequest.newBuilder(uri("/api/v1/tables/ml.t/import")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(""))), 400, "file");
        assertError(send(HttpRequest.newBuilder(uri("/api/v1/tables/ml.t/import?inferSchema=perhaps"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("a\n1\n"))), 400, "inferSchema");
        assertError(get("/api/v1/batch/jobs?limit=abc"), 400, "limit");
        assertError(get("/api/v1/batch/jobs?offset=-"), 400, "offset");
        assertError(get("/api/v1/workflows/trips-daily/runs?limit=1e3"), 400, "limit");
        assertError(get("/api/v1/tables/ml.trips?rows=maybe"), 400, "rows");
        assertThat(get("/api/v1/tables/ml.t").statusCode()).as("nothing half-imported").isEqualTo(404);
        assertError(send(HttpRequest.newBuilder(uri("/api/v1/workflows")).header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(
                "name: w\nsteps: []\n"))), 400, "steps");
        assertError(post("/api/v1/workflow-runs/backfill", "{\"definition\":\"name: w\\nsteps:\\n  - {name: s, sql: SELECT 1, output: ml.w}\\n\","
                + "\"from\":\"2026-11-03\",\"to\":\"2026-11-01\"}"), 400, "to");
    }

    private JsonNode submit(String instance, String query, String date) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("instance", instance).put("query", query)
                .put("output", "ml.trip_predictions").put("executionDate", date);
        HttpResponse<String> response = post("/api/v1/batch/jobs", body.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode job = json(response);
        assertThat(job.get("status").asText()).isIn("queued", "running");
        return job;
    }

    private JsonNode awaitJob(String id) throws Exception {
        return await("/api/v1/batch/jobs/" + id);
    }

    private JsonNode awaitRun(String id) throws Exception {
        return await("/api/v1/workflow-runs/" + id);
    }

    private JsonNode await(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode value = json(get(path));
            String status = value.get("status").asText();
            if (status.equals("succeeded") || status.equals("failed")) {
                return value;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(path + " did not finish");
    }

    private String tripsCsv() {
        rowCount = GoldenModels.cases(GoldenModels.TRIPS_LR).size();
        return GoldenModels.inputsCsv(GoldenModels.TRIPS_LR, "ds", i -> "2026-11-0" + (1 + i % 3));
    }

    private static void assertError(HttpResponse<String> response, int status, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isNotBlank();
        assertThat(error.get("message").asText()).isNotBlank().doesNotContain("Exception")
                .as("no server path").doesNotContain("/tmp/");
        if (field != null) {
            assertThat(error.get("field").asText()).as(response.body()).startsWith(field);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return server.uri().resolve(path);
    }
}
