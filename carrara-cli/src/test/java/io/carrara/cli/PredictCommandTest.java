package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code carrara predict} against a real server prints what {@code carrara score} prints for the same rows and model. */
class PredictCommandTest {
    private static final Path MODEL = Path.of("..", "carrara-pipeline", "src", "test", "resources", "golden", "spark-4.1.0",
            "trips-logistic-regression");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path serverHome;

    private static CarraraServer server;
    private static Instance instance;

    @TempDir
    Path work;

    @BeforeAll
    static void startAndDeploy() throws Exception {
        server = CarraraServer.start(ServerConfig.embedded(serverHome, 0).withAuth(ServerConfig.Auth.OFF));
        server.registry().createProject(new NewProject("demand", null), "setup");
        server.registry().createModel("demand", NewModel.named("trips"), "setup");
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelArchive.pack(MODEL.resolve("model"), zip);
        StoredBlob blob = server.registry().blobStore().put(new ByteArrayInputStream(zip.toByteArray()), Long.MAX_VALUE);
        instance = server.registry().createInstance(new ModelRef("demand", "trips"),
                new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "spark-pipeline", "zip"), Map.of(), null), "setup");
        CommandResult deployed = CommandResult.run("deploy", "fraud-scorer", "--instance", instance.id().toString(),
                "--server", server.uri().toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void printsExactlyWhatScorePrintsAndReportsFailedLines() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(MODEL.resolve("expected.jsonl"))) {
            lines.add(JSON.writeValueAsString(JSON.readTree(line).get("input")));
        }
        ObjectNode wrong = (ObjectNode) JSON.readTree(lines.get(0));
        wrong.put("distance", "far");
        lines.add(2, wrong.toString());
        Path input = work.resolve("rows.jsonl");
        Files.writeString(input, String.join("\n", lines) + "\n");

        CommandResult predicted = predictWhenReady(input);
        CommandResult scored = CommandResult.run("score", "--model", MODEL.resolve("model").toString(), "--input", input.toString());

        assertThat(predicted.exitCode()).as(predicted.toString()).isEqualTo(1);
        assertThat(scored.exitCode()).as(scored.toString()).isEqualTo(1);
        assertThat(predicted.out()).isNotEmpty().isEqualTo(scored.out());
        assertThat(predicted.err()).isEqualTo(scored.err());
        assertThat(predicted.err()).startsWith("line 3: ").contains("(column: distance)");
    }

    @Test
    void printsLoggedPredictionsAsJsonLines() throws Exception {
        CommandResult deployed = CommandResult.run("deploy", "logged", "--instance", instance.id().toString(),
                "--log-sample-rate", "1", "--server", server.uri().toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        Path input = work.resolve("rows.jsonl");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(MODEL.resolve("expected.jsonl")).subList(0, 2)) {
            lines.add(JSON.writeValueAsString(JSON.readTree(line).get("input")));
        }
        Files.writeString(input, String.join("\n", lines) + "\n");
        CommandResult predicted = null;
        for (int attempt = 0; attempt < 100 && (predicted == null || predicted.exitCode() != 0); attempt++) {
            Thread.sleep(50);
            predicted = CommandResult.run("predict", "logged", "--input", input.toString(), "--ids", "--server", server.uri().toString());
        }
        assertThat(predicted.exitCode()).as(predicted.toString()).isZero();
        // --ids writes each row's prediction id first: the id of the logged row, for its outcome.
        List<String> ids = predicted.out().lines().map(line -> {
            try {
                JsonNode row = JSON.readTree(line);
                assertThat(row.fieldNames().next()).isEqualTo("predictionId");
                assertThat(row.has("prediction")).isTrue();
                return row.get("predictionId").asText();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(ids).hasSize(2).doesNotHaveDuplicates();

        CommandResult logged = null;
        for (int attempt = 0; attempt < 100 && (logged == null || logged.out().lines().count() < 2); attempt++) {
            Thread.sleep(50);
            logged = CommandResult.run("deployment", "predictions", "logged", "--limit", "10", "--server", server.uri().toString());
        }
        assertThat(logged.exitCode()).as(logged.toString()).isZero();
        List<String> printed = logged.out().lines().toList();
        assertThat(printed).hasSize(2);
        assertThat(JSON.readTree(printed.get(0)).get("instance").asText()).isEqualTo(instance.id().toString());
        assertThat(JSON.readTree(printed.get(0)).get("output").has("prediction")).isTrue();
        assertThat(printed).extracting(line -> JSON.readTree(line).get("id").asText()).containsExactlyInAnyOrderElementsOf(ids);

        CommandResult badFrom = CommandResult.run("deployment", "predictions", "logged", "--from", "yesterday",
                "--server", server.uri().toString());
        assertThat(badFrom.exitCode()).isEqualTo(2);
        assertThat(badFrom.err()).contains("--from");
    }

    @Test
    void explainsAnUnknownDeployment() throws Exception {
        Path input = work.resolve("rows.jsonl");
        Files.writeString(input, "{\"city\": \"nyc\"}\n");

        CommandResult result = CommandResult.run("predict", "nowhere", "--input", input.toString(), "--server", server.uri().toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: ").contains("nowhere");
    }

    /** The model loads in the background after the deploy; the first calls may find it not ready yet. */
    private static CommandResult predictWhenReady(Path input) throws InterruptedException {
        CommandResult result = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            result = CommandResult.run("predict", "fraud-scorer", "--input", input.toString(), "--server", server.uri().toString());
            if (!result.err().contains("not ready") && !result.err().contains("loading")) {
                return result;
            }
            Thread.sleep(100);
        }
        return result;
    }
}
