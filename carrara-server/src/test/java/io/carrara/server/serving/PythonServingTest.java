package io.carrara.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python models on a real server with real workers and real environments (shared with the build's
 * other tests through {@code carrara.test.pythonEnvs}): uploaded, deployed, scored through the
 * plain JSON endpoint and the Open Inference Protocol like a Spark pipeline; refused at deploy when
 * they cannot load or validate while the other deployments keep serving; a worker killed or hung in
 * the middle of a request answers 503 MODEL_UNAVAILABLE naming the instance and is restarted; and
 * undeploying or stopping the server leaves no worker behind.
 */
class PythonServingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();
    private static final ModelRef MODEL = new ModelRef("health", "scorer");

    /** The test requirements every Java test of the build shares, so that one environment serves them all. */
    static final String REQUIREMENTS = "numpy==2.2.6\npandas==2.3.3\n";

    static final String YAML = """
            formatVersion: 1
            kind: dataframe
            python: "3.11"
            inputs:
              - {name: x1, type: double}
              - {name: x2, type: double}
            outputs:
              - {name: probability, type: double}
              - {name: label, type: string}
            tolerance:
              absolute: 1.0e-12
            """;

    /** A logistic function with ways to fail on demand: x1 = 999 hangs, 998 is slow, below -1000 raises. */
    static final String MODEL_PY = """
            import time

            import carrara
            import numpy as np
            import pandas as pd


            class Scorer(carrara.DataFrameModel):
                def __init__(self, home):
                    self.weights = np.array([0.75, -1.5])

                def predict(self, df):
                    if (df["x1"] == 999).any():
                        time.sleep(600)
                    if (df["x1"] == 998).any():
                        time.sleep(5)
                    if (df["x1"] < -1000).any():
                        raise ValueError("x1 below -1000 is out of range")
                    logit = df[["x1", "x2"]].to_numpy() @ self.weights + 0.25
                    probability = 1.0 / (1.0 + np.exp(-logit))
                    return pd.DataFrame({"probability": probability, "label": np.where(probability >= 0.5, "yes", "no")})
            """;

    static final String INPUT = """
            {"x1": 0.0, "x2": 0.0}
            {"x1": 2.0, "x2": 0.5}
            """;

    static final String EXPECTED = """
            {"probability": 0.5621765008857981, "label": "yes"}
            {"probability": 0.7310585786300049, "label": "yes"}
            """;

    @TempDir
    static Path home;

    private static CarraraServer server;
    private static Instance scorer;
    private static Instance pipeline;

    @BeforeAll
    static void start() throws Exception {
        String environments = System.getProperty("carrara.test.pythonEnvs", home.resolve("envs").toString());
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0",
                "python.environments", environments, "python.requestTimeoutSeconds", "4",
                "python.pipArguments", "--retries 0 --timeout 5",
                "serving.models.failureBackoffSeconds", "0"))).withAuth(ServerConfig.Auth.OFF));
        scorer = upload(MODEL, write("scorer", YAML, MODEL_PY, REQUIREMENTS, EXPECTED));
        pipeline = TestModels.uploadPipeline(server.registry(), new ModelRef("health", "trips"),
                GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
        assertThat(post("/api/v1/deployments", "{\"name\":\"scorer\",\"instance\":\"" + scorer.id() + "\",\"logSampleRate\":1.0}")
                .statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/deployments", "{\"name\":\"trips\",\"instance\":\"" + pipeline.id() + "\"}").statusCode())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
            assertThat(workers()).as("workers left after the server stopped").isEmpty();
        }
    }

    @Test
    void scoresLikeTheModelOverRestAndTheOpenInferenceProtocol() throws Exception {
        HttpResponse<String> predicted = post("/api/v1/deployments/scorer/predict",
                "{\"rows\": [{\"x1\": 0.0, \"x2\": 0.0, \"id\": \"a\"}, {\"x1\": 2.0, \"x2\": 0.5, \"id\": \"b\"},"
                        + " {\"x1\": 1.0}, {\"x1\": -5000.0, \"x2\": 1.0}]}");
        assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(predicted.body());
        assertThat(answer.get("instance").asText()).isEqualTo(scorer.id().toString());
        JsonNode first = answer.get("predictions").get(0);
        assertThat(first.get("probability").asDouble()).isCloseTo(0.5621765008857981, within(1e-15));
        assertThat(first.get("label").asText()).isEqualTo("yes");
        assertThat(first.get("id").asText()).as("the row's own fields come back, as with a pipeline").isEqualTo("a");
        assertThat(answer.get("predictions").get(1).get("probability").asDouble()).isCloseTo(0.7310585786300049, within(1e-15));
        JsonNode missing = answer.get("predictions").get(2);
        assertThat(missing.get("code").asText()).isEqualTo("INVALID_ROW");
        assertThat(missing.get("column").asText()).isEqualTo("x2");
        JsonNode raised = answer.get("predictions").get(3);
        assertThat(raised.get("code").asText()).isEqualTo("PREDICT_FAILED");
        assertThat(raised.get("message").asText()).contains("x1 below -1000 is out of range").contains("model.py:")
                .doesNotContain(home.toString());

        JsonNode metadata = JSON.readTree(get("/v2/models/scorer").body());
        assertThat(metadata.get("inputs")).extracting(input -> input.get("name").asText()).containsExactly("x1", "x2");
        HttpResponse<String> inferred = post("/v2/models/scorer/infer", """
                {"inputs": [{"name": "x1", "datatype": "FP64", "shape": [2], "data": [0.0, 2.0]},
                            {"name": "x2", "datatype": "FP64", "shape": [2], "data": [0.0, 0.5]}]}""");
        assertThat(inferred.statusCode()).as(inferred.body()).isEqualTo(200);
        JsonNode outputs = JSON.readTree(inferred.body()).get("outputs");
        assertThat(outputs).extracting(output -> output.get("name").asText()).containsExactly("probability", "label");
        assertThat(outputs.get(0).get("datatype").asText()).isEqualTo("FP64");
        assertThat(outputs.get(0).get("data").get(1).asDouble()).isCloseTo(0.7310585786300049, within(1e-15));
        assertThat(outputs.get(1).get("datatype").asText()).isEqualTo("BYTES");
        assertThat(outputs.get(1).get("data").get(0).asText()).isEqualTo("yes");

        // The prediction log holds the scored rows, with the python model's outputs, as for a pipeline.
        String predictionId = answer.get("predictionIds").get(0).asText();
        List<io.carrara.registry.predictions.LoggedPrediction> logged = List.of();
        for (int attempt = 0; attempt < 100 && logged.stream().noneMatch(row -> row.id().equals(predictionId)); attempt++) {
            Thread.sleep(50);
            logged = server.predictionLog().find("scorer", java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60), 100);
        }
        assertThat(logged).filteredOn(row -> row.id().equals(predictionId)).singleElement()
                .satisfies(row -> {
                    assertThat(row.instance()).isEqualTo(scorer.id());
                    assertThat(row.output().get("label").asText()).isEqualTo("yes");
                });
        assertThat(get("/metrics").body()).contains("deployment=\"scorer\"");
    }

    @Test
    void aModelThatCannotLoadOrValidateIsRefusedAtDeployAndTheOthersKeepServing() throws Exception {
        Instance syntax = upload(new ModelRef("health", "broken"), write("syntax", YAML,
                MODEL_PY.replace("def predict(self, df):", "def predict(self, df)"), REQUIREMENTS, EXPECTED));
        HttpResponse<String> refused = post("/api/v1/deployments", "{\"name\":\"broken\",\"instance\":\"" + syntax.id() + "\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("DEPLOYMENT_REFUSED").contains("model.py:12").doesNotContain(home.toString());

        Instance differs = upload(new ModelRef("health", "broken"), write("differs", YAML, MODEL_PY, REQUIREMENTS,
                EXPECTED.replace("0.7310585786300049", "0.8")));
        refused = post("/api/v1/deployments", "{\"name\":\"broken\",\"instance\":\"" + differs.id() + "\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("DEPLOYMENT_REFUSED").contains("probability").contains("validation");

        // The same model uploaded with --skip-validation (recorded in its metadata) is served without validating.
        Instance skipped = upload(new ModelRef("health", "broken"), home.resolve("homes").resolve("differs"),
                Map.of("python.validation", "skipped"));
        HttpResponse<String> served = post("/api/v1/deployments", "{\"name\":\"unvalidated\",\"instance\":\"" + skipped.id() + "\"}");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(201);
        assertServing("unvalidated");

        Instance unknownPackage = upload(new ModelRef("health", "broken"), write("unknown-package", YAML, MODEL_PY,
                REQUIREMENTS + "no-such-package-carrara==1.0\n", EXPECTED));
        refused = post("/api/v1/deployments", "{\"name\":\"broken\",\"instance\":\"" + unknownPackage.id() + "\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("DEPLOYMENT_REFUSED").contains("no-such-package-carrara");

        assertServing("scorer");
        assertThat(post("/api/v1/deployments/trips/predict", "{\"rows\": [{\"hour\": 3}]}").statusCode()).isEqualTo(200);
    }

    @Test
    void anUploadWhoseHomeBreaksTheContractIsRefusedNamingTheFileAndField() throws Exception {
        Path unknownKind = write("unknown-kind", YAML.replace("kind: dataframe", "kind: onnx"), MODEL_PY, REQUIREMENTS, EXPECTED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> upload(new ModelRef("health", "hostile"), unknownKind))
                .isInstanceOfSatisfying(io.carrara.spi.error.CarraraException.class, e -> {
                    assertThat(e.errorCode().name()).isEqualTo("MODEL_HOME_INVALID");
                    assertThat(e.field()).contains("artifact");
                })
                .hasMessageContaining("carrara.yaml").hasMessageContaining("kind")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(home.toString()));

        Path noConfig = write("no-config", YAML, MODEL_PY, REQUIREMENTS, EXPECTED);
        Files.delete(noConfig.resolve("carrara.yaml"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> upload(new ModelRef("health", "hostile"), noConfig))
                .hasMessageContaining("carrara.yaml is missing");
    }

    @Test
    void aWorkerKilledInTheMiddleOfARequestFailsItWith503AndIsRestarted() throws Exception {
        assertServing("scorer");
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return post("/api/v1/deployments/scorer/predict", "{\"rows\": [{\"x1\": 998.0, \"x2\": 0.0}]}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1_500);
        List<ProcessHandle> killed = workers(scorer);
        assertThat(killed).isNotEmpty();
        killed.forEach(ProcessHandle::destroyForcibly); // SIGKILL

        HttpResponse<String> failed = slow.get();
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(503);
        JsonNode error = JSON.readTree(failed.body());
        assertThat(error.get("code").asText()).isEqualTo("MODEL_UNAVAILABLE");
        assertThat(error.get("message").asText()).contains(scorer.id().toString())
                .doesNotContain(home.toString()).doesNotContain(System.getProperty("carrara.test.pythonEnvs", home.toString()));
        assertThat(post("/api/v1/deployments/trips/predict", "{\"rows\": [{\"hour\": 3}]}").statusCode()).isEqualTo(200);

        assertServing("scorer"); // restarted in the background
        assertThat(workers(scorer)).doesNotContainAnyElementsOf(killed);
    }

    @Test
    void aWorkerThatHangsPastTheTimeoutFailsWith503AndIsReplaced() throws Exception {
        assertServing("scorer");
        long start = System.nanoTime();
        HttpResponse<String> hung = post("/api/v1/deployments/scorer/predict", "{\"rows\": [{\"x1\": 999.0, \"x2\": 0.0}]}");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(hung.statusCode()).as(hung.body()).isEqualTo(503);
        assertThat(JSON.readTree(hung.body()).get("code").asText()).isEqualTo("MODEL_UNAVAILABLE");
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertServing("scorer");
    }

    @Test
    void undeployingStopsTheWorkers() throws Exception {
        // Other bytes than the scorer's (a comment), so that its artifact, and its workers' home, are its own.
        Instance other = upload(new ModelRef("health", "short-lived"), write("short-lived", YAML, MODEL_PY + "# short-lived\n",
                REQUIREMENTS, EXPECTED));
        assertThat(post("/api/v1/deployments", "{\"name\":\"short-lived\",\"instance\":\"" + other.id() + "\"}").statusCode())
                .isEqualTo(201);
        assertThat(workers(other)).isNotEmpty();
        HttpResponse<String> undeployed = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/deployments/short-lived"))
                .header("X-Carrara-User", "alice").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(undeployed.statusCode()).as(undeployed.body()).isEqualTo(200);
        for (int attempt = 0; attempt < 100 && !workers(other).isEmpty(); attempt++) {
            Thread.sleep(100);
        }
        assertThat(workers(other)).isEmpty();
    }

    /** Waits (the worker may be restarting) until the deployment scores a row. */
    private static void assertServing(String name) throws Exception {
        HttpResponse<String> last = null;
        for (int attempt = 0; attempt < 120; attempt++) {
            last = post("/api/v1/deployments/" + name + "/predict", "{\"rows\": [{\"x1\": 2.0, \"x2\": 0.5}]}");
            if (last.statusCode() == 200) {
                assertThat(JSON.readTree(last.body()).get("predictions").get(0).get("probability").asDouble())
                        .isCloseTo(0.7310585786300049, within(1e-15));
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " does not serve: " + last.body());
    }

    /** The worker processes of this JVM, all or those serving {@code instance} (its artifact is the model home). */
    private static List<ProcessHandle> workers(Instance instance) {
        return workers().stream().filter(process -> process.info().commandLine().orElse("")
                .contains(instance.artifact().sha256())).toList();
    }

    private static List<ProcessHandle> workers() {
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().orElse("").contains("carrara.worker")).toList();
    }

    /** A model home folder under the test's home, with the validation rows of {@link #INPUT}. */
    private static Path write(String name, String yaml, String model, String requirements, String expected) throws IOException {
        Path directory = Files.createDirectories(home.resolve("homes").resolve(name));
        Files.createDirectories(directory.resolve("validation"));
        Files.writeString(directory.resolve("carrara.yaml"), yaml);
        Files.writeString(directory.resolve("model.py"), model);
        Files.writeString(directory.resolve("requirements.txt"), requirements);
        Files.writeString(directory.resolve("validation/input.jsonl"), INPUT);
        Files.writeString(directory.resolve("validation/expected.jsonl"), expected);
        return directory;
    }

    /** Uploads a home folder as a python instance, with the inputSchema the CLI takes from carrara.yaml. */
    private static Instance upload(ModelRef model, Path directory) throws IOException {
        return upload(model, directory, Map.of());
    }

    private static Instance upload(ModelRef model, Path directory, Map<String, String> metadata) throws IOException {
        ModelRegistry registry = server.registry();
        if (registry.listProjects().stream().noneMatch(project -> project.name().equals(model.project()))) {
            registry.createProject(new NewProject(model.project(), null), "tests");
        }
        if (registry.listModels(model.project()).stream().noneMatch(existing -> existing.name().equals(model.name()))) {
            registry.createModel(model.project(), NewModel.named(model.name()), "tests");
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelArchive.pack(directory, zip);
        StoredBlob blob = registry.blobStore().put(new ByteArrayInputStream(zip.toByteArray()), Long.MAX_VALUE);
        return registry.createInstance(model, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "python", "zip"),
                withInputs(metadata), null), "tests");
    }

    private static Map<String, String> withInputs(Map<String, String> metadata) {
        Map<String, String> all = new java.util.HashMap<>(metadata);
        all.put("inputSchema", "x1 double, x2 double");
        return all;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("X-Carrara-User", "alice")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
