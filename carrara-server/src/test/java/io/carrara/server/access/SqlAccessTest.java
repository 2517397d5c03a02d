package io.carrara.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.access.Role;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark SQL with the caller's rights: a database is its project's, so tables are read with the read role there and
 * written with edit, a where condition's subqueries count as reads, and a batch job needs use on its model's project,
 * read on every table its query names (common table expressions aside) and edit on its output's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = TestHttp.client();
    private CarraraServer server;
    private String admin;
    private String ana;
    private String outsider;
    private UUID instance;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0",
                "log.access", "false", "spark.master", "local[1]"))));
        admin = Files.readString(home.resolve(AdminBootstrap.FILE_NAME)).strip();
        for (String project : List.of("sales", "scratch", "hr")) {
            server.registry().createProject(new NewProject(project, null), "tests");
        }
        instance = TestModels.uploadPipeline(server.registry(), new ModelRef("sales", "trips"),
                GoldenModels.model(GoldenModels.TRIPS_LR), Map.of()).id();
        AccessStore store = server.accessStore();
        store.createUser("ana", false, List.of(), "tests");
        store.grant("sales", "ana", Role.USE, "tests");
        store.grant("scratch", "ana", Role.EDIT, "tests");
        ana = store.createToken("ana", null, Duration.ofDays(1), null, null).secret();
        store.createUser("olga", false, List.of(), "tests");
        outsider = store.createToken("olga", null, Duration.ofDays(1), null, null).secret();
        for (String table : List.of("sales.orders", "hr.salaries")) {
            HttpResponse<String> imported = importCsv(table, admin);
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void tablesAreReadWithTheirProjectsReadRoleAndWrittenWithEdit() throws Exception {
        List<String> listed = new ArrayList<>();
        json(call("GET", "/api/v1/tables", ana, null)).get("items").forEach(table -> listed.add(table.get("name").asText()));
        assertThat(listed).contains("sales.orders").doesNotContain("hr.salaries");

        assertThat(call("GET", "/api/v1/tables/sales.orders/rows", ana, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/tables/sales.orders", ana, null).statusCode()).isEqualTo(200);
        HttpResponse<String> salaries = call("GET", "/api/v1/tables/hr.salaries/rows", ana, null);
        assertThat(salaries.statusCode()).isEqualTo(403);
        assertThat(json(salaries).get("message").asText()).contains("read role in project 'hr'");
        HttpResponse<String> sneaky = call("GET", "/api/v1/tables/sales.orders/rows?where="
                + URLEncoder.encode("id IN (SELECT id FROM hr.salaries)", StandardCharsets.UTF_8), ana, null);
        assertThat(sneaky.statusCode()).as("a where condition's subquery reads too").isEqualTo(403);
        assertThat(call("GET", "/api/v1/tables/default.anything", ana, null).statusCode())
                .as("the default database is no project's: admins only").isEqualTo(403);

        assertThat(importCsv("scratch.mine", ana).statusCode()).isEqualTo(201);
        assertThat(importCsv("sales.mine", ana).statusCode()).as("read and use do not write").isEqualTo(403);
        assertThat(call("GET", "/api/v1/tables/sales.orders/rows", outsider, null).statusCode()).isEqualTo(403);
    }

    @Test
    void aBatchJobNeedsUseOnItsModelReadOnItsTablesAndEditOnItsOutput() throws Exception {
        HttpResponse<String> submitted = submit(ana, """
                WITH recent AS (SELECT * FROM sales.orders) SELECT * FROM recent""", "scratch.scored");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String job = json(submitted).get("id").asText();
        assertThat(json(submitted).get("submittedBy").asText()).isEqualTo("ana");
        assertThat(call("GET", "/api/v1/batch/jobs/" + job, ana, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/batch/jobs/" + job, outsider, null).statusCode()).isEqualTo(403);
        List<String> listed = new ArrayList<>();
        json(call("GET", "/api/v1/batch/jobs", outsider, null)).get("items").forEach(item -> listed.add(item.get("id").asText()));
        assertThat(listed).doesNotContain(job);

        HttpResponse<String> readsHr = submit(ana, "SELECT o.* FROM sales.orders o JOIN hr.salaries s USING (id)", "scratch.x");
        assertThat(readsHr.statusCode()).isEqualTo(403);
        assertThat(json(readsHr).get("message").asText()).contains("read role in project 'hr'");
        HttpResponse<String> writesSales = submit(ana, "SELECT * FROM sales.orders", "sales.scored");
        assertThat(writesSales.statusCode()).isEqualTo(403);
        assertThat(json(writesSales).get("message").asText()).contains("edit role in project 'sales'");
        assertThat(submit(outsider, "SELECT * FROM scratch.mine", "scratch.y").statusCode())
                .as("no use of the model's project").isEqualTo(403);
    }

    @Test
    void aWorkflowIsCheckedWhenRegisteredAndEachRunWithTheRightsOfWhomItRunsFor() throws Exception {
        String good = workflow("ana-daily", "sales.orders", "SELECT * FROM sales.orders", "scratch.daily", "scratch.scored");
        HttpResponse<String> registered = yaml("/api/v1/workflows", ana, good);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        HttpResponse<String> writesHr = yaml("/api/v1/workflows", ana,
                workflow("ana-hr", "sales.orders", "SELECT * FROM sales.orders", "hr.daily", "scratch.scored"));
        assertThat(writesHr.statusCode()).isEqualTo(403);
        assertThat(json(writesHr).get("message").asText()).contains("edit role in project 'hr'");
        HttpResponse<String> readsHr = yaml("/api/v1/workflows", ana,
                workflow("ana-hr", "sales.orders", "SELECT * FROM hr.salaries", "scratch.daily", "scratch.scored"));
        assertThat(readsHr.statusCode()).isEqualTo(403);

        assertThat(call("GET", "/api/v1/workflows/ana-daily", ana, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/workflows/ana-daily", outsider, null).statusCode()).isEqualTo(403);
        List<String> listed = new ArrayList<>();
        json(call("GET", "/api/v1/workflows", outsider, null)).get("items").forEach(item -> listed.add(item.get("name").asText()));
        assertThat(listed).doesNotContain("ana-daily");
        assertThat(call("DELETE", "/api/v1/workflows/ana-daily", outsider, null).statusCode()).isEqualTo(403);

        // A run waits behind another on the one runner (whose predict step fails: the orders are no trips, and it is not
        // retried); by the time it starts, ana has lost her edit role in scratch.
        String slow = workflow("admin-first", "sales.orders", "SELECT * FROM sales.orders", "scratch.first", "scratch.first_scored");
        HttpResponse<String> first = call("POST", "/api/v1/workflow-runs", admin, JSON.writeValueAsString(
                Map.of("definition", slow, "executionDate", "2026-12-01")));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        HttpResponse<String> queued = call("POST", "/api/v1/workflow-runs", ana, JSON.writeValueAsString(
                Map.of("definition", good, "executionDate", "2026-12-01")));
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        server.accessStore().revoke("scratch", "ana");
        try {
            String run = json(queued).get("id").asText();
            JsonNode ended = null;
            for (long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos(); System.nanoTime() < deadline;
                    Thread.sleep(250)) {
                ended = json(call("GET", "/api/v1/workflow-runs/" + run, admin, null));
                if (ended.path("status").asText().equals("failed") || ended.path("status").asText().equals("succeeded")) {
                    break;
                }
            }
            assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("failed");
            assertThat(ended.path("error").asText()).contains("runs with the rights of ana")
                    .contains("no longer has the edit role in project 'scratch'");
            assertThat(ended.path("steps").get(0).path("status").asText()).as("no step ran").isEqualTo("pending");
        } finally {
            server.accessStore().grant("scratch", "ana", Role.EDIT, "tests");
        }
    }

    private String workflow(String name, String input, String sql, String output, String scored) {
        // input: a table the workflow reads, named in its SQL (kept as a parameter for what the test reads)
        // No inputs: a run waits for nothing before its steps.
        return "name: " + name + "\nsteps:\n  - name: features\n    sql: "
                + sql + "\n    output: " + output + "\n  - name: score\n    predict:\n      instance: " + instance + "\n      query: SELECT * FROM "
                + output + "\n      output: " + scored + "\nretries: {max: 0, backoff: 1s}\n";
    }

    private HttpResponse<String> yaml(String path, String token, String text) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> submit(String token, String query, String output) throws Exception {
        String body = JSON.writeValueAsString(Map.of("instance", instance.toString(), "query", query, "output", output,
                "executionDate", "2026-12-01"));
        return call("POST", "/api/v1/batch/jobs", token, body);
    }

    private HttpResponse<String> importCsv(String table, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/tables/" + table + "/import?inferSchema=true"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("id,amount\n1,2.5\n2,4.0\n")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
