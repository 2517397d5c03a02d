package io.carrara.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.carrara.api.Page;
import io.carrara.api.batch.BatchJob;
import io.carrara.api.table.ImportResult;
import io.carrara.api.table.TableColumn;
import io.carrara.api.table.TableSummary;
import io.carrara.api.workflow.WorkflowRun;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the table, batch and workflow methods send and how they read the answers, against a
 * stand-in that answers what docs/api.md promises. The real server's end-to-end tests live in
 * carrara-cli, which may depend on it.
 */
class CarraraClientWireTest {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();
    private static final String RUN = """
            {"id": "%s", "workflow": "trips", "executionDate": "%s", "trigger": "manual", "status": "queued",
             "createdAt": "2026-11-22T03:00:00Z", "createdBy": "alice", "steps": []}""";

    @TempDir
    Path work;

    private HttpServer server;
    private CarraraClient client;
    private volatile Answer answer;
    private volatile Received received;

    record Answer(int status, Map<String, String> headers, byte[] body, boolean truncate) {
        static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json"), body.getBytes(UTF_8), false);
        }
    }

    record Received(String method, String pathAndQuery, String contentType, byte[] body) {
        String text() {
            return new String(body, UTF_8);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        client = CarraraClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort())).user("alice").build();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        received = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes());
        Answer current = answer;
        current.headers().forEach(exchange.getResponseHeaders()::add);
        if (current.truncate()) {
            // Promise more bytes than are sent, then hang up: the client sees the stream break.
            exchange.sendResponseHeaders(current.status(), current.body().length + 1000);
            exchange.getResponseBody().write(current.body());
            exchange.getResponseBody().flush();
            exchange.getHttpContext().getServer().stop(0);
            return;
        }
        exchange.sendResponseHeaders(current.status(), current.body().length == 0 ? -1 : current.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(current.body());
        }
    }

    // ---- tables

    @Test
    void importsAFileAsTheRequestBody() throws Exception {
        Path csv = Files.writeString(work.resolve("trips.csv"), "city,distance_km\nnyc,3.5\n");
        answer = Answer.json(201, """
                {"table": "ml.trips", "rowsImported": 1, "rowsInTable": 1,
                 "columns": [{"name": "city", "type": "string", "nullable": true, "partition": false}]}""");
        AtomicLong total = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        TransferProgress progress = new TransferProgress() {
            @Override
            public void start(long totalBytes) {
                total.set(totalBytes);
            }

            @Override
            public void accept(long bytes) {
                sent.set(bytes);
            }
        };

        ImportResult result = client.tables().importFile(csv, "ml.trips", TableFormat.CSV, false,
                Optional.of("city STRING, distance_km DOUBLE"), true, progress);

        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/tables/ml.trips/import?format=csv&inferSchema=false"
                + "&schema=city%20STRING%2C%20distance_km%20DOUBLE&append=true");
        assertThat(received.contentType()).isEqualTo("text/csv");
        assertThat(received.text()).isEqualTo("city,distance_km\nnyc,3.5\n");
        assertThat(total.get()).isEqualTo(Files.size(csv));
        assertThat(sent.get()).isEqualTo(Files.size(csv));
        assertThat(result.rowsImported()).isEqualTo(1);
        assertThat(result.columns()).containsExactly(new TableColumn("city", "string", true, false));
    }

    @Test
    void refusesABadTableNameOrSchemaBeforeSending() throws Exception {
        Path csv = Files.writeString(work.resolve("trips.csv"), "a\n1\n");

        assertThatThrownBy(() -> client.tables().importFile(csv, "ml.trips/../x", TableFormat.CSV, false, Optional.empty(), false,
                TransferProgress.NONE)).hasMessageContaining("not a table name like ml.trips");
        assertThatThrownBy(() -> client.tables().importFile(csv, "ml.trips", TableFormat.CSV, true, Optional.of("a INT"), false,
                TransferProgress.NONE)).hasMessageContaining("not both");
        assertThatThrownBy(() -> client.tables().importFile(work.resolve("missing.csv"), "ml.trips", TableFormat.CSV, false,
                Optional.empty(), false, TransferProgress.NONE)).hasMessageContaining("missing.csv does not exist");
        assertThat(received).isNull();
    }

    @Test
    void listsAndDescribesTables() {
        answer = Answer.json(200, "{\"items\": [{\"name\": \"ml.trips\", \"type\": \"MANAGED\"}], \"nextOffset\": null}");
        assertThat(client.tables().list(Optional.of("ml"))).containsExactly(new TableSummary("ml.trips", "MANAGED"));
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/tables?database=ml");

        client.tables().list(Optional.empty());
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/tables");

        answer = Answer.json(200, "{\"name\": \"ml.trips\", \"type\": \"MANAGED\", \"columns\": [], \"rows\": 7}");
        assertThat(client.tables().describe("ml.trips", true).rows()).isEqualTo(7L);
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/tables/ml.trips?rows=true");
        client.tables().describe("ml.trips", false);
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/tables/ml.trips");
    }

    @Test
    void exportsIntoTheFileAndReturnsTheRowCount() throws Exception {
        Path output = Files.writeString(work.resolve("out.jsonl"), "old\n");
        answer = new Answer(200, Map.of("Content-Type", "application/x-ndjson", CarraraClient.ROWS_HEADER, "2"),
                "{\"a\":1}\n{\"a\":2}\n".getBytes(UTF_8), false);

        long rows = client.tables().export("ml.predictions", TableFormat.JSONL, Optional.of("a > 0"), output);

        assertThat(rows).isEqualTo(2);
        assertThat(Files.readString(output)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/tables/ml.predictions/rows?format=jsonl&where=a%20%3E%200");
        assertThat(filesIn(work)).containsExactly("out.jsonl");
    }

    @Test
    void aFailedExportLeavesNoFileAndTheOldOneUntouched() throws Exception {
        Path output = Files.writeString(work.resolve("out.csv"), "old\n");
        answer = Answer.json(404, "{\"code\": \"NOT_FOUND\", \"message\": \"no table ml.nope\", \"field\": \"table\"}");

        assertThatThrownBy(() -> client.tables().export("ml.nope", TableFormat.CSV, Optional.empty(), output))
                .isInstanceOf(CarraraClientException.class).hasMessage("no table ml.nope")
                .satisfies(e -> assertThat(((CarraraClientException) e).code()).isEqualTo("NOT_FOUND"));
        assertThat(Files.readString(output)).isEqualTo("old\n");
        assertThat(filesIn(work)).containsExactly("out.csv");

        Path fresh = work.resolve("fresh.csv");
        answer = new Answer(200, Map.of("Content-Type", "text/csv"), "a\n1\n".getBytes(UTF_8), true);
        assertThatThrownBy(() -> client.tables().export("ml.p", TableFormat.CSV, Optional.empty(), fresh))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("wrote nothing");
        assertThat(filesIn(work)).containsExactly("out.csv");
    }

    // ---- batch jobs

    @Test
    void submitsABatchJob() throws Exception {
        UUID id = UUID.randomUUID();
        answer = Answer.json(202, "{\"id\": \"" + id + "\", \"status\": \"queued\", \"executionDate\": \"2026-11-01\"}");

        BatchJob job = client.batch().submit(BatchJobRequest.ofDeployment("eta-live", "SELECT * FROM ml.trips",
                "ml.trip_predictions", LocalDate.of(2026, 11, 1)).withColumns(List.of("prediction")));

        assertThat(job.id()).isEqualTo(id);
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/batch/jobs");
        assertThat(JSON.readTree(received.body())).isEqualTo(JSON.readTree("""
                {"deployment": "eta-live", "query": "SELECT * FROM ml.trips", "output": "ml.trip_predictions",
                 "executionDate": "2026-11-01", "columns": ["prediction"]}"""));

        answer = Answer.json(200, "{\"items\": [], \"nextOffset\": null}");
        client.batch().list(20, 40);
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/batch/jobs?limit=20&offset=40");
    }

    // ---- workflows

    @Test
    void registersAndUnregistersAWorkflow() {
        answer = Answer.json(201, "{\"name\": \"trips\", \"schedule\": \"0 3 * * *\", \"definition\": \"name: trips\"}");
        assertThat(client.workflows().register("name: trips\n").schedule()).isEqualTo("0 3 * * *");
        assertThat(received.contentType()).isEqualTo("application/yaml");
        assertThat(received.text()).isEqualTo("name: trips\n");

        answer = new Answer(204, Map.of(), new byte[0], false);
        client.workflows().unregister("trips");
        assertThat(received.method()).isEqualTo("DELETE");
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/workflows/trips");

        assertThatThrownBy(() -> client.workflows().register("  ")).hasMessageContaining("definition is empty");
    }

    @Test
    void runsAndBackfillsAWorkflow() throws Exception {
        UUID instance = UUID.randomUUID();
        answer = Answer.json(202, RUN.formatted(UUID.randomUUID(), "2026-11-01"));
        client.workflows().run("name: trips\n", LocalDate.of(2026, 11, 1), Optional.of(instance));
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/workflow-runs");
        assertThat(JSON.readTree(received.body())).isEqualTo(JSON.readTree(
                "{\"definition\": \"name: trips\\n\", \"executionDate\": \"2026-11-01\", \"instance\": \"" + instance + "\"}"));

        answer = Answer.json(202, "{\"items\": [" + RUN.formatted(UUID.randomUUID(), "2026-11-01") + ","
                + RUN.formatted(UUID.randomUUID(), "2026-11-02") + "], \"nextOffset\": null}");
        List<WorkflowRun> runs = client.workflows().backfill("name: trips\n", LocalDate.of(2026, 11, 1),
                LocalDate.of(2026, 11, 2), Optional.empty());
        assertThat(runs).extracting(WorkflowRun::executionDate)
                .containsExactly(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 2));
        JsonNode body = JSON.readTree(received.body());
        assertThat(body.get("from").asText()).isEqualTo("2026-11-01");
        assertThat(body.get("to").asText()).isEqualTo("2026-11-02");
        assertThat(body.has("instance")).isFalse();

        answer = Answer.json(202, "[" + RUN.formatted(UUID.randomUUID(), "2026-11-03") + "]");
        assertThat(client.workflows().backfill("name: trips\n", LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 3),
                Optional.empty())).hasSize(1);

        assertThatThrownBy(() -> client.workflows().backfill("name: trips\n", LocalDate.of(2026, 11, 3),
                LocalDate.of(2026, 11, 1), Optional.empty())).hasMessageContaining("from 2026-11-03 is after to 2026-11-01");
    }

    @Test
    void retriesAndListsRuns() {
        UUID id = UUID.randomUUID();
        answer = Answer.json(202, RUN.formatted(id, "2026-11-01"));
        assertThat(client.workflows().retry(id).id()).isEqualTo(id);
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/workflow-runs/" + id + "/retry");

        answer = Answer.json(200, "{\"items\": [" + RUN.formatted(id, "2026-11-01") + "], \"nextOffset\": 1}");
        Page<WorkflowRun> page = client.workflows().runs("trips", 1, 0);
        assertThat(page.nextOffset()).isEqualTo(1);
        assertThat(received.pathAndQuery()).isEqualTo("/api/v1/workflows/trips/runs?limit=1&offset=0");
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
