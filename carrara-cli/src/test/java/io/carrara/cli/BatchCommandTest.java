package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code carrara batch …}: its argument checks, which need no server, and how it follows a job,
 * against a stand-in that answers as docs/api.md says the server does.
 */
class BatchCommandTest {
    private static final String ID = "6f1c2a3b-1d2e-4f50-9a8b-0c1d2e3f4a5b";
    private static final String INSTANCE = "0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d";

    private StandInServer server;

    @BeforeEach
    void start() throws IOException {
        server = new StandInServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- arguments

    @Test
    void needsExactlyOneOfInstanceAndDeployment() throws IOException {
        CommandResult neither = offline("batch", "predict", "--query", "SELECT 1", "--output", "ml.p",
                "--execution-date", "2026-11-01");
        CommandResult both = offline("batch", "predict", "--instance", INSTANCE, "--deployment", "eta", "--query", "SELECT 1",
                "--output", "ml.p", "--execution-date", "2026-11-01");

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).startsWith("Error: Missing required argument (specify one of these): (--instance=UUID | --deployment=NAME)");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("Error: --instance=UUID, --deployment=NAME are mutually exclusive");
    }

    @Test
    void refusesABadDateOrTableBeforeCallingTheServer() throws IOException {
        CommandResult badDate = offline("batch", "predict", "--deployment", "eta", "--query", "SELECT 1", "--output", "ml.p",
                "--execution-date", "2026-11-31");
        CommandResult badTable = offline("batch", "predict", "--deployment", "eta", "--query", "SELECT 1",
                "--output", "ml.trip-predictions", "--execution-date", "2026-11-01");

        assertThat(badDate.exitCode()).isEqualTo(2);
        assertThat(badDate.err()).startsWith("Invalid value for option '--execution-date': '2026-11-31' is not a date like 2026-11-01");
        assertThat(badTable.exitCode()).isEqualTo(1);
        assertThat(badTable.err()).isEqualTo("error: output 'ml.trip-predictions' is not a table name like ml.trips"
                + " (letters, digits and _, starting with a letter or _) (field: output)\n");
    }

    // ---- following a job

    @Test
    void followsAJobUntilItSucceedsAndPrintsItsCounts() throws Exception {
        server.answer("POST /api/v1/batch/jobs", 202, job("queued", "queued", 0, 0, null, null))
                .answer("GET /api/v1/batch/jobs/" + ID, 200, job("running", "scoring", 3, 8, null, null))
                .answer("GET /api/v1/batch/jobs/" + ID, 200, job("succeeded", "done", 8, 8, RESULT, null));

        CommandResult result = run("batch", "predict", "--deployment", "eta-live", "--query", "SELECT * FROM ml.trips",
                "--output", "ml.trip_predictions", "--execution-date", "2026-11-01", "--columns", "prediction,probability");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).isEqualTo("batch job " + ID + " submitted; Ctrl-C stops waiting, not the job\n");
        assertThat(keyValues(result.out()))
                .containsEntry("job", ID)
                .containsEntry("status", "succeeded")
                .containsEntry("output", "ml.trip_predictions")
                .containsEntry("errors", "ml.trip_predictions_errors")
                .containsEntry("rows_read", "1000")
                .containsEntry("rows_scored", "990")
                .containsEntry("rows_skipped", "2")
                .containsEntry("rows_failed", "8")
                .containsEntry("rows_written", "990")
                .containsEntry("error_rows_written", "10")
                .containsEntry("elapsed", "5.3s");
        assertThat(server.requests()).extracting(StandInServer.Request::method).containsExactly("POST", "GET", "GET");
        assertThat(new ObjectMapper().readTree(server.requests().get(0).body())).isEqualTo(new ObjectMapper().readTree("""
                {"deployment": "eta-live", "query": "SELECT * FROM ml.trips", "output": "ml.trip_predictions",
                 "executionDate": "2026-11-01", "columns": ["prediction", "probability"]}"""));
    }

    @Test
    void aFailedJobExitsWithOneAndSaysWhy() throws Exception {
        server.answer("POST /api/v1/batch/jobs", 202, job("queued", "queued", 0, 0, null, null))
                .answer("GET /api/v1/batch/jobs/" + ID, 200, job("failed", "fetching model", 0, 0, null,
                        "{\"code\": \"INVALID_ARGUMENT\", \"message\": \"table ml.nope does not exist\", \"field\": \"query\"}"));

        CommandResult result = run("batch", "predict", "--instance", INSTANCE, "--query", "SELECT * FROM ml.nope",
                "--output", "ml.p", "--execution-date", "2026-11-01");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(keyValues(result.out()))
                .containsEntry("status", "failed")
                .containsEntry("error", "table ml.nope does not exist (field: query)")
                .doesNotContainKey("rows_read");
        assertThat(result.err()).endsWith("error: batch job " + ID + " failed: table ml.nope does not exist (field: query)\n");
    }

    @Test
    void noWaitPrintsTheIdAlone() throws Exception {
        server.answer("POST /api/v1/batch/jobs", 202, job("queued", "queued", 0, 0, null, null));

        CommandResult result = run("batch", "predict", "--instance", INSTANCE, "--query", "SELECT 1", "--output", "ml.p",
                "--execution-date", "2026-11-01", "--no-wait");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(ID + "\n");
        assertThat(result.err()).isEmpty();
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void showsARunningJobAndListsJobs() throws Exception {
        server.answer("GET /api/v1/batch/jobs/" + ID, 200, job("running", "scoring", 3, 8, null, null))
                .answer("GET /api/v1/batch/jobs", 200, "{\"items\": [" + job("succeeded", "done", 8, 8, RESULT, null)
                        + "], \"nextOffset\": 1}");

        CommandResult status = run("batch", "status", ID);
        CommandResult listed = run("batch", "list", "--limit", "1");

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(keyValues(status.out())).containsEntry("progress", "scoring (3/8 tasks)").doesNotContainKey("rows_read");
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.out().lines().toList()).hasSize(2);
        assertThat(listed.out().lines().skip(1).findFirst().orElseThrow().split(" +"))
                .containsExactly(ID, "succeeded", "demand/eta", "ml.trip_predictions", "2026-11-01", "2026-11-22T03:12:26Z",
                        "alice", "990", "5.3s");
        assertThat(listed.err()).isEqualTo("more jobs; see them with --offset 1\n");
        assertThat(server.requests().get(1).pathAndQuery()).isEqualTo("/api/v1/batch/jobs?limit=1&offset=0");
    }

    private static final String RESULT = """
            {"rowsRead": 1000, "rowsScored": 990, "rowsSkipped": 2, "rowsFailed": 8, "rowsWritten": 990,
             "errorRowsWritten": 10, "scoredAt": "2026-11-22T03:12:32Z", "elapsedMillis": 5321}""";

    private static String job(String status, String phase, int completed, int total, String result, String error) {
        return """
                {"id": "%s", "status": "%s", "model": "demand/eta", "instance": "%s", "deployment": null,
                 "query": "SELECT * FROM ml.trips", "output": "ml.trip_predictions", "errors": "ml.trip_predictions_errors",
                 "executionDate": "2026-11-01", "columns": [],
                 "progress": {"phase": "%s", "tasksCompleted": %d, "tasksTotal": %d},
                 "result": %s, "error": %s, "submittedAt": "2026-11-22T03:12:26Z", "submittedBy": "alice",
                 "startedAt": null, "finishedAt": null, "workflowRun": null, "step": null}"""
                .formatted(ID, status, INSTANCE, phase, completed, total, result, error);
    }

    private CommandResult run(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--user", "alice"));
        all.addAll(List.of(args));
        if (args.length > 1 && args[1].equals("predict")) {
            all.addAll(List.of("--poll-interval", "5"));
        }
        return CommandResult.run(all.toArray(String[]::new));
    }

    /** The name-value rows of a key-value listing, split at the first run of two or more spaces. */
    static Map<String, String> keyValues(String text) {
        Map<String, String> values = new TreeMap<>();
        for (String line : text.lines().toList()) {
            String[] parts = line.split(" {2,}", 2);
            values.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return values;
    }

    /** Runs against a port nobody listens on: whatever the command prints, it did not come from a server. */
    static CommandResult offline(String... args) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<String> all = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + closedPort));
        all.addAll(List.of(args));
        return CommandResult.run(all.toArray(String[]::new));
    }
}
