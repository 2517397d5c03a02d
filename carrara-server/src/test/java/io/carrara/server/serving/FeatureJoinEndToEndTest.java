package io.carrara.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.model.Instance;
import io.carrara.registry.predictions.LoggedPrediction;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online features joined into a deployment on a real server, for each feature store: features are
 * bulk-loaded over HTTP, a deployment declares a lookup that supplies two of the pipeline's inputs,
 * and rows that leave those inputs out score exactly as Spark scored the complete rows.
 */
abstract class FeatureJoinEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();

    @TempDir
    Path home;

    private CarraraServer server;
    private Instance instance;
    private List<GoldenModels.Case> cases;

    /** Settings that choose the feature store (and anything else the subclass wants to vary). */
    protected abstract Map<String, String> settings();

    @BeforeEach
    void startUploadAndLoadFeatures() throws Exception {
        Map<String, String> flags = new HashMap<>(settings());
        flags.put("port", "0");
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), flags)).withAuth(ServerConfig.Auth.OFF));
        instance = TestModels.uploadPipeline(server.registry(), new ModelRef("demand", "trips"), GoldenModels.model(GoldenModels.TRIPS_LR),
                Map.of());

        cases = GoldenModels.cases(GoldenModels.TRIPS_LR).stream()
                .filter(c -> !c.skipped() && c.input().get("distance") != null && c.input().get("duration") != null)
                .limit(5).toList();
        StringBuilder lines = new StringBuilder();
        for (GoldenModels.Case c : cases) {
            lines.append(JSON.writeValueAsString(Map.of("id", c.input().get("id"), "distance", c.input().get("distance"),
                    "duration", c.input().get("duration")))).append('\n');
        }
        HttpResponse<String> loaded = post("/api/v1/features/trip_stats?key=id", "application/x-ndjson", lines.toString());
        assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
        assertThat(JSON.readTree(loaded.body()).get("loaded").asInt()).isEqualTo(cases.size());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void joinsStoredFeaturesIntoRowsAndScoresThemAsSparkDid() throws Exception {
        deploy("reject");
        ArrayNode rows = JSON.createArrayNode();
        for (GoldenModels.Case c : cases) {
            rows.add(withoutJoinedFeatures(c.input()));
        }
        ObjectNode unknown = withoutJoinedFeatures(cases.get(0).input());
        unknown.put("id", 424242);
        rows.add(unknown);

        HttpResponse<String> predicted = post("/api/v1/deployments/fares/predict", JSON.createObjectNode().set("rows", rows).toString());

        assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
        JsonNode predictions = JSON.readTree(predicted.body()).get("predictions");
        assertThat(predictions).hasSize(cases.size() + 1);
        for (int i = 0; i < cases.size(); i++) {
            JsonNode expected = cases.get(i).output();
            JsonNode actual = predictions.get(i);
            // The answer passes through the caller's fields, not the joined ones; the model saw them in its features.
            assertThat(actual.has("distance")).isFalse();
            assertThat(actual.get("raw_features")).isEqualTo(expected.get("raw_features"));
            assertThat(actual.get("prediction").asDouble()).isEqualTo(expected.get("prediction").asDouble());
            for (int k = 0; k < expected.get("probability").size(); k++) {
                double want = expected.get("probability").get(k).asDouble();
                assertThat(actual.get("probability").get(k).asDouble()).isCloseTo(want, within(Math.max(1e-12, 1e-9 * Math.abs(want))));
            }
        }
        assertThat(predictions.get(cases.size()).get("error").asText())
                .contains("feature group trip_stats has no distance for key '424242'");
        assertThat(predictions.get(cases.size()).get("column").asText()).as("the row error names its column").isEqualTo("distance");
        assertThat(predictions.get(cases.size()).get("code").asText()).isEqualTo("FEATURE_MISSING");
        assertThat(predictions.get(cases.size()).get("number").asInt()).isEqualTo(0x0003_0004);
        assertThat(predictions.get(cases.size()).get("type").asText()).isEqualTo("INVALID_INPUT");

        // The log keeps the input after the join: what the model saw.
        List<LoggedPrediction> logged = List.of();
        for (int attempt = 0; attempt < 100 && logged.size() < cases.size(); attempt++) {
            Thread.sleep(50);
            logged = server.predictionLog().find("fares", Instant.EPOCH, Instant.now().plusSeconds(60), 100);
        }
        assertThat(logged).hasSize(cases.size());
        assertThat(logged).allSatisfy(prediction -> assertThat(prediction.input().has("distance")).isTrue());
    }

    @Test
    void missingFeaturesReadAsNullLetThePipelineDecide() throws Exception {
        deploy("null");
        ObjectNode unknown = withoutJoinedFeatures(cases.get(0).input());
        unknown.put("id", 424242);

        HttpResponse<String> predicted = post("/api/v1/deployments/fares/predict",
                JSON.createObjectNode().set("rows", JSON.createArrayNode().add(unknown)).toString());

        // The trips pipeline's VectorAssembler skips rows with invalid values (handleInvalid=skip), as Spark would.
        assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
        assertThat(JSON.readTree(predicted.body()).get("predictions").get(0).toString()).isEqualTo("{\"skipped\":true}");
    }

    private void deploy(String missingFeatures) throws Exception {
        HttpResponse<String> deployed = post("/api/v1/deployments", "{\"name\":\"fares\",\"model\":\"demand/trips\",\"instance\":\""
                + instance.id() + "\",\"features\":[{\"group\":\"trip_stats\",\"key\":\"id\",\"features\":[\"distance\",\"duration\"]}],"
                + "\"missingFeatures\":\"" + missingFeatures + "\",\"logSampleRate\":1.0}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
    }

    private static ObjectNode withoutJoinedFeatures(Map<String, Object> input) {
        Map<String, Object> row = new LinkedHashMap<>(input);
        row.remove("distance");
        row.remove("duration");
        return JSON.valueToTree(row);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, "application/json", body);
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).header("X-Carrara-User", "alice")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
