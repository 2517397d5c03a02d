package io.carrara.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.api.error.ErrorBody;
import io.carrara.api.predict.PredictResponse;
import io.carrara.registry.model.Instance;
import io.carrara.registry.predictions.LoggedPrediction;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on a real server: a Spark pipeline uploaded to the registry, deployed over REST,
 * scored through the plain JSON endpoint and the Open Inference Protocol by the serving engine, with
 * the predictions logged to the registry database.
 */
class PredictionEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();

    @TempDir
    Path home;

    private CarraraServer server;
    private Instance instance;

    @BeforeEach
    void startAndUpload() throws Exception {
        server = CarraraServer.start(ServerConfig.embedded(home, 0).withAuth(ServerConfig.Auth.OFF));
        instance = TestModels.uploadPipeline(server.registry(), new ModelRef("demand", "trips"), GoldenModels.model(GoldenModels.TRIPS_LR),
                Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void deploysAndPredictsLikeSparkOverRestAndOpenInference() throws Exception {
        HttpResponse<String> deployed = post("/api/v1/deployments", "{\"name\":\"fraud-scorer\",\"model\":\"demand/trips\","
                + "\"instance\":\"" + instance.id() + "\",\"logSampleRate\":1.0}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        awaitReady("fraud-scorer");

        List<GoldenModels.Case> cases = GoldenModels.cases(GoldenModels.TRIPS_LR).stream().filter(c -> !c.skipped()).limit(3).toList();
        ArrayNode rows = JSON.createArrayNode();
        cases.forEach(c -> rows.add(JSON.valueToTree(c.input())));
        ObjectNode body = JSON.createObjectNode().set("rows", rows);
        HttpResponse<String> predicted = post("/api/v1/deployments/fraud-scorer/predict", body.toString());

        assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(predicted.body());
        assertThat(answer.get("instance").asText()).isEqualTo(instance.id().toString());
        assertThat(answer.get("predictions")).hasSize(3);
        for (int i = 0; i < cases.size(); i++) {
            JsonNode expected = cases.get(i).output();
            JsonNode actual = answer.get("predictions").get(i);
            assertThat(actual.get("prediction").asDouble()).isEqualTo(expected.get("prediction").asDouble());
            for (int k = 0; k < expected.get("probability").size(); k++) {
                double want = expected.get("probability").get(k).asDouble();
                assertThat(actual.get("probability").get(k).asDouble()).isCloseTo(want,
                        org.assertj.core.api.Assertions.within(Math.max(1e-12, 1e-9 * Math.abs(want))));
            }
            assertThat(actual.get("city").asText()).isEqualTo(expected.get("city").asText());
        }
        assertThat(answer.get("predictionIds")).hasSize(3).allSatisfy(id -> assertThat(id.isTextual()).isTrue());

        HttpResponse<String> ready = get("/v2/models/fraud-scorer/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        HttpResponse<String> metadata = get("/v2/models/fraud-scorer");
        assertThat(JSON.readTree(metadata.body()).get("versions").get(0).asText()).isEqualTo(instance.id().toString());

        // The log is written in the background, through the registry database.
        List<LoggedPrediction> logged = List.of();
        for (int attempt = 0; attempt < 100 && logged.size() < 3; attempt++) {
            Thread.sleep(50);
            logged = server.predictionLog().find("fraud-scorer", Instant.EPOCH, Instant.now().plusSeconds(60), 10);
        }
        assertThat(logged).hasSize(3);
        assertThat(logged).extracting(LoggedPrediction::id)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.StreamSupport.stream(answer.get("predictionIds").spliterator(), false)
                        .map(JsonNode::asText).toList());
        assertThat(logged.get(0).instance()).isEqualTo(instance.id());

        HttpResponse<String> read = get("/api/v1/deployments/fraud-scorer/predictions?limit=10");
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode items = JSON.readTree(read.body()).get("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("instance").asText()).isEqualTo(instance.id().toString());
        assertThat(items.get(0).get("input").get("city").isTextual()).isTrue();
        assertThat(items.get(0).get("output").has("probability")).isTrue();
        assertThat(items.get(0).has("latencyMicros")).isTrue();
        assertThat(items.get(0).get("formatVersion").asInt()).isEqualTo(1);
        // The page is the carrara-api record the client reads, field for field.
        io.carrara.api.predict.LoggedPrediction first = JSON.copy().findAndRegisterModules()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .treeToValue(items.get(0), io.carrara.api.predict.LoggedPrediction.class);
        assertThat(first.instance()).isEqualTo(instance.id());
        assertThat(first.input().get("city")).isInstanceOf(String.class);
        assertThat(first.output()).containsKey("probability");
        assertThat(first.formatVersion()).isEqualTo(1);
        HttpResponse<String> badFrom = get("/api/v1/deployments/fraud-scorer/predictions?from=yesterday");
        assertThat(badFrom.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badFrom.body()).get("field").asText()).isEqualTo("from");
        HttpResponse<String> tooMany = get("/api/v1/deployments/fraud-scorer/predictions?limit=0");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).get("field").asText()).isEqualTo("limit");
    }

    @Test
    void answersClearErrorsForUnknownDeploymentsBadBodiesAndBadRows() throws Exception {
        post("/api/v1/deployments", "{\"name\":\"fraud-scorer\",\"model\":\"demand/trips\",\"instance\":\"" + instance.id() + "\"}");
        awaitReady("fraud-scorer");

        HttpResponse<String> unknown = post("/api/v1/deployments/nowhere/predict", "{\"rows\":[{}]}");
        HttpResponse<String> noRows = post("/api/v1/deployments/fraud-scorer/predict", "{\"row\":[]}");
        HttpResponse<String> badPin = post("/api/v1/deployments/fraud-scorer/predict", "{\"rows\":[{}],\"instance\":\"x\"}");
        Map<String, Object> good = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0);
        ObjectNode wrong = JSON.valueToTree(good);
        wrong.put("distance", "far");
        ArrayNode rows = JSON.createArrayNode().add(JSON.valueToTree(good)).add(wrong);
        HttpResponse<String> mixed = post("/api/v1/deployments/fraud-scorer/predict", JSON.createObjectNode().set("rows", rows).toString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(noRows.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noRows.body()).get("field").asText()).isEqualTo("rows");
        assertThat(badPin.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badPin.body()).get("field").asText()).isEqualTo("instance");
        assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(200);
        JsonNode predictions = JSON.readTree(mixed.body()).get("predictions");
        assertThat(predictions.get(0).has("prediction")).isTrue();
        assertThat(predictions.get(1).get("error").asText()).contains("distance");
        // The row's error carries the same identity as a request's error body, and its column.
        JsonNode rowError = predictions.get(1);
        assertThat(rowError.get("code").asText()).isEqualTo("ROW_INVALID");
        assertThat(rowError.get("number").asInt()).isEqualTo(131077);
        assertThat(rowError.get("type").asText()).isEqualTo("INVALID_INPUT");
        assertThat(rowError.get("column").asText()).isEqualTo("distance");
        assertThat(rowError.get("message").asText()).isEqualTo(rowError.get("error").asText());
        // The streamed answer is the carrara-api record the client reads, field for field (unknown fields refused).
        PredictResponse answer = JSON.copy().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(mixed.body(), PredictResponse.class);
        assertThat(answer.predictions()).hasSize(2);
        assertThat(answer.error(0)).isEmpty();
        assertThat(answer.error(1)).contains(new ErrorBody("ROW_INVALID", 131077, "INVALID_INPUT",
                rowError.get("message").asText(), null, "distance"));
        assertThat(answer.instance()).isEqualTo(instance.id());
        assertThat(answer.instances()).containsExactly(instance.id(), instance.id());
        assertThat(answer.predictionIds()).hasSize(2);
    }

    private void awaitReady(String name) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            if (get("/v2/models/" + name + "/ready").statusCode() == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " did not become ready: " + get("/v2/models/" + name + "/ready").body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Carrara-User", "alice")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
