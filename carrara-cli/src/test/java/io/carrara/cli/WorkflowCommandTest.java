package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.workflow.WorkflowDefinition;
import io.carrara.registry.workflow.WorkflowParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code carrara workflow …}: its argument and file checks, which need no server, and how it
 * follows runs, against a stand-in that answers as docs/api.md says the server does.
 */
class WorkflowCommandTest {
    private static final String YAML = "name: trips\nsteps:\n  - name: features\n    sql: SELECT 1\n    output: ml.f\n";

    @TempDir
    Path work;

    private StandInServer server;

    @BeforeEach
    void start() throws IOException {
        server = new StandInServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- arguments and files

    @Test
    void aMissingFileIsAnErrorNamingIt() throws IOException {
        Path missing = work.resolve("workflows/nope.yaml");

        CommandResult run = BatchCommandTest.offline("workflow", "run", missing.toString(), "--execution-date", "2026-11-01");
        CommandResult register = BatchCommandTest.offline("workflow", "register", work.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: workflow file " + missing + " does not exist; check the path (field: file)\n");
        assertThat(register.exitCode()).isEqualTo(1);
        assertThat(register.err()).isEqualTo("error: workflow file " + work + " is not a regular file (field: file)\n");
    }

    @Test
    void refusesBadDates() throws IOException {
        Path file = Files.writeString(work.resolve("trips.yaml"), YAML);

        CommandResult badDate = BatchCommandTest.offline("workflow", "run", file.toString(), "--execution-date", "11/01/2026");
        CommandResult backwards = BatchCommandTest.offline("workflow", "backfill", file.toString(),
                "--from", "2026-11-03", "--to", "2026-11-01");
        CommandResult missingTo = BatchCommandTest.offline("workflow", "backfill", file.toString(), "--from", "2026-11-03");

        assertThat(badDate.exitCode()).isEqualTo(2);
        assertThat(badDate.err()).startsWith("Invalid value for option '--execution-date': '11/01/2026' is not a date like 2026-11-01");
        assertThat(backwards.exitCode()).isEqualTo(2);
        assertThat(backwards.err()).startsWith("--from 2026-11-03 is after --to 2026-11-01");
        assertThat(missingTo.exitCode()).isEqualTo(2);
        assertThat(missingTo.err()).startsWith("Missing required option: '--to=DATE'");
    }

    @Test
    void theFileFormatInTheHelpIsAValidWorkflow() {
        String[] footer = new CommandLine(new CarraraCli()).getSubcommands().get("workflow").getCommandSpec().usageMessage().footer();
        String yaml = Arrays.stream(footer).takeWhile(line -> !line.isEmpty())
                .map(line -> line.startsWith("  ") ? line.substring(2) : line)
                .collect(Collectors.joining("\n"));

        WorkflowDefinition definition = WorkflowParser.parse(yaml);

        assertThat(definition.name()).isEqualTo("trip_eta_daily");
        assertThat(definition.steps()).extracting(WorkflowDefinition.Step::name).containsExactly("features", "score");
    }

    // ---- running

    @Test
    void runSendsTheFileAndWaitsForTheRun() throws Exception {
        Path file = Files.writeString(work.resolve("trips.yaml"), YAML);
        server.answer("POST /api/v1/workflow-runs", 202, run("r1", "2026-11-01", "queued", "pending", null, null))
                .answer("GET /api/v1/workflow-runs/" + id("r1"), 200, run("r1", "2026-11-01", "running", "running", null, null))
                .answer("GET /api/v1/workflow-runs/" + id("r1"), 200,
                        run("r1", "2026-11-01", "succeeded", "succeeded", 1000L, null));

        CommandResult result = carrara("workflow", "run", file.toString(), "--execution-date", "2026-11-01",
                "--instance", "0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(BatchCommandTest.keyValues(result.out()))
                .containsEntry("status", "succeeded")
                .containsEntry("workflow", "trips")
                .containsEntry("window", "2026-10-31T00:00 to 2026-11-01T00:00");
        assertThat(result.out().lines().filter(line -> line.startsWith("features ")).findFirst().orElseThrow().split(" +"))
                .containsExactly("features", "sql", "ml.f", "succeeded", "1", "1000", "10.0s", "-", "-");
        assertThat(result.err()).isEqualTo("workflow run " + id("r1") + " of trips for 2026-11-01 submitted;"
                + " Ctrl-C stops waiting, not the run\n");
        JsonNode sent = new ObjectMapper().readTree(server.requests().get(0).body());
        assertThat(sent.get("definition").asText()).isEqualTo(YAML);
        assertThat(sent.get("executionDate").asText()).isEqualTo("2026-11-01");
        assertThat(sent.get("instance").asText()).isEqualTo("0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d");
    }

    @Test
    void backfillWaitsForEveryRunAndPrintsOneLineEach() throws Exception {
        Path file = Files.writeString(work.resolve("trips.yaml"), YAML);
        server.answer("POST /api/v1/workflow-runs/backfill", 202, "{\"items\": ["
                        + run("r1", "2026-11-01", "queued", "pending", null, null) + ","
                        + run("r2", "2026-11-02", "queued", "pending", null, null) + "], \"nextOffset\": null}")
                .answer("GET /api/v1/workflow-runs/" + id("r1"), 200, run("r1", "2026-11-01", "running", "running", null, null))
                .answer("GET /api/v1/workflow-runs/" + id("r1"), 200,
                        run("r1", "2026-11-01", "succeeded", "succeeded", 1000L, null))
                .answer("GET /api/v1/workflow-runs/" + id("r2"), 200,
                        run("r2", "2026-11-02", "failed", "failed", null, "step features failed after 3 attempts: boom"));

        CommandResult result = carrara("workflow", "backfill", file.toString(), "--from", "2026-11-01", "--to", "2026-11-02");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).split(" +")).containsExactly("execution_date", "status", "run", "elapsed", "rows_written", "error");
        assertThat(lines.get(1).split(" +")).containsExactly("2026-11-01", "succeeded", id("r1"), "10.0s", "features=1000", "-");
        assertThat(lines.get(2).split(" {2,}")).containsExactly("2026-11-02", "failed", id("r2"), "10.0s", "features=-",
                "step features failed after 3 attempts: boom");
        assertThat(result.err()).endsWith("error: 1 of 2 runs failed; run one again with carrara workflow retry RUN_ID\n");
    }

    @Test
    void listsRunsAndShowsOne() {
        server.answer("GET /api/v1/workflows/trips/runs", 200, "{\"items\": ["
                + run("r1", "2026-11-01", "succeeded", "succeeded", 1000L, null) + "], \"nextOffset\": null}");

        CommandResult runs = carrara("workflow", "runs", "trips", "--limit", "5");

        assertThat(runs.exitCode()).as(runs.toString()).isZero();
        assertThat(runs.out().lines().toList()).hasSize(2);
        assertThat(runs.out().lines().skip(1).findFirst().orElseThrow().split(" +"))
                .containsExactly(id("r1"), "2026-11-01", "manual", "succeeded", "2026-11-22T03:00:01Z", "10.0s", "features=1000", "-");
        assertThat(server.requests().get(0).pathAndQuery()).isEqualTo("/api/v1/workflows/trips/runs?limit=5&offset=0");
    }

    private static String id(String name) {
        return switch (name) {
            case "r1" -> "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9";
            default -> "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9";
        };
    }

    private static String run(String name, String date, String status, String stepStatus, Long rows, String error) {
        boolean started = !"pending".equals(stepStatus);
        boolean finished = "succeeded".equals(status) || "failed".equals(status);
        String startedAt = started ? "\"2026-11-22T03:00:01Z\"" : "null";
        String finishedAt = finished ? "\"2026-11-22T03:00:11Z\"" : "null";
        return """
                {"id": "%s", "workflow": "trips", "executionDate": "%s", "trigger": "manual", "instance": null,
                 "status": "%s", "window": {"start": "%sT00:00", "end": "%sT00:00"},
                 "createdAt": "2026-11-22T03:00:00Z", "createdBy": "alice", "startedAt": %s, "finishedAt": %s,
                 "error": %s,
                 "steps": [{"name": "features", "kind": "sql", "output": "ml.f", "status": "%s", "attempts": %d,
                            "startedAt": %s, "finishedAt": %s, "rowsWritten": %s, "batchJob": null, "error": null}]}"""
                .formatted(id(name), date, status, java.time.LocalDate.parse(date).minusDays(1), date, startedAt, finishedAt,
                        error == null ? "null" : "\"" + error + "\"", stepStatus, started ? 1 : 0, startedAt, finishedAt,
                        rows == null ? "null" : rows.toString());
    }

    private CommandResult carrara(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--user", "alice"));
        all.addAll(List.of(args));
        if (List.of("run", "backfill", "retry").contains(args[1])) {
            all.addAll(List.of("--poll-interval", "5"));
        }
        return CommandResult.run(all.toArray(String[]::new));
    }
}
