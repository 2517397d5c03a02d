package io.carrara.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewInstance.ArtifactSpec;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/deployments} over real HTTP: deploy, read, history, undeploy, and every refusal as a 4xx naming the field. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = TestHttp.client();
    private CarraraServer server;
    private ModelRef eta;
    private ModelRef pricing;

    @BeforeAll
    void start(@TempDir Path home) {
        server = CarraraServer.start(ServerConfig.embedded(home, 0).withAuth(ServerConfig.Auth.OFF));
        server.registry().createProject(new NewProject("demand", null), "setup");
        eta = server.registry().createModel("demand", NewModel.named("eta"), "setup").ref();
        pricing = server.registry().createModel("demand", NewModel.named("pricing"), "setup").ref();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deploysReadsUpdatesAndUndeploys() throws Exception {
        UUID v1 = instance(eta);

        HttpResponse<String> created = post("/api/v1/deployments", "{\"name\":\"eta-live\",\"instance\":\"" + v1 + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode deployment = json(created);
        assertThat(deployment.get("outcome").asText()).isEqualTo("created");
        assertThat(deployment.get("model").asText()).isEqualTo("demand/eta");
        assertThat(deployment.get("routing").asText()).isEqualTo("pinned");
        assertThat(deployment.get("instance").asText()).isEqualTo(v1.toString());
        assertThat(deployment.get("missingFeatures").asText()).isEqualTo("null");
        assertThat(deployment.get("logSampleRate").asDouble()).isZero();
        assertThat(deployment.get("revision").asInt()).isEqualTo(1);
        assertThat(deployment.get("updatedBy").asText()).isEqualTo("alice");
        assertThat(deployment.get("updatedAt").asText()).endsWith("Z");

        UUID v2 = instance(eta);
        HttpResponse<String> updated = post("/api/v1/deployments", """
                {"name": "eta-live", "model": "demand/eta", "latest": true,
                 "features": [{"group": "driver_stats", "key": "driver_id", "features": ["trips_7d", "rating"]}],
                 "missingFeatures": "reject", "logSampleRate": 0.1}""");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(json(updated).get("outcome").asText()).isEqualTo("updated");
        assertThat(json(updated).get("instance").asText()).isEqualTo(v2.toString());
        assertThat(json(updated).get("revision").asInt()).isEqualTo(2);

        HttpResponse<String> shown = get("/api/v1/deployments/eta-live");
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode current = json(shown);
        assertThat(current.has("outcome")).isFalse();
        assertThat(current.get("features").get(0).get("group").asText()).isEqualTo("driver_stats");
        assertThat(current.get("features").get(0).get("features").get(1).asText()).isEqualTo("rating");
        assertThat(current.get("missingFeatures").asText()).isEqualTo("reject");
        assertThat(current.get("logSampleRate").asDouble()).isEqualTo(0.1);

        HttpResponse<String> same = post("/api/v1/deployments", "{\"name\":\"eta-live\",\"model\":\"demand/eta\","
                + "\"latest\":true,\"features\":[{\"group\":\"driver_stats\",\"key\":\"driver_id\","
                + "\"features\":[\"trips_7d\",\"rating\"]}],\"missingFeatures\":\"reject\",\"logSampleRate\":0.1}");
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(json(same).get("outcome").asText()).isEqualTo("unchanged");
        assertThat(json(same).get("revision").asInt()).isEqualTo(2);

        assertThat(json(get("/api/v1/deployments")).get("items")).extracting(item -> item.get("name").asText())
                .contains("eta-live");

        HttpResponse<String> undeployed = send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/deployments/eta-live"))
                .header("X-Carrara-User", "bob").DELETE());
        assertThat(undeployed.statusCode()).as(undeployed.body()).isEqualTo(200);
        assertThat(json(undeployed).get("action").asText()).isEqualTo("undeployed");
        assertThat(json(undeployed).get("changedBy").asText()).isEqualTo("bob");
        assertError(get("/api/v1/deployments/eta-live"), 404, "NOT_FOUND", "name");

        JsonNode history = json(get("/api/v1/deployments/eta-live/history")).get("items");
        assertThat(history).extracting(item -> item.get("action").asText()).containsExactly("created", "updated", "undeployed");
        assertThat(history.get(1).get("changed")).extracting(JsonNode::asText)
                .containsExactly("routing", "features", "missingFeatures", "logSampleRate");
        assertThat(history.get(1).get("instance").asText()).isEqualTo(v2.toString());

        JsonNode events = json(get("/api/v1/events?after=0&limit=1000")).get("items");
        assertThat(events).extracting(event -> event.get("type").asText())
                .contains("deployment.created", "deployment.updated", "deployment.undeployed");
    }

    @Test
    void deploysPartitionedRouting() throws Exception {
        UUID nyc = instance(eta);
        UUID fallback = instance(eta);

        HttpResponse<String> created = post("/api/v1/deployments", "{\"name\":\"eta-by-city\",\"partitionBy\":\"city\","
                + "\"instances\":{\"nyc\":\"" + nyc + "\"},\"default\":\"" + fallback + "\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode deployment = json(get("/api/v1/deployments/eta-by-city"));
        assertThat(deployment.get("routing").asText()).isEqualTo("partitioned");
        assertThat(deployment.get("partitionBy").asText()).isEqualTo("city");
        assertThat(deployment.get("instances").get("nyc").asText()).isEqualTo(nyc.toString());
        assertThat(deployment.get("default").asText()).isEqualTo(fallback.toString());
        assertThat(deployment.get("instance").isNull()).isTrue();
    }

    @Test
    void refusesBadDeploymentsWithA4xxNamingTheField() throws Exception {
        UUID v1 = instance(eta);
        UUID other = instance(pricing);
        UUID deprecated = instance(eta);
        server.registry().deprecate(deprecated, "label leak", "setup");

        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"instance\":\"" + UUID.randomUUID() + "\"}"),
                404, "NOT_FOUND", "instance");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"model\":\"demand/eta\",\"instance\":\"" + other + "\"}"),
                400, "INVALID_ARGUMENT", "instance");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"instance\":\"" + deprecated + "\"}"),
                400, "INVALID_ARGUMENT", "instance");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"instance\":\"not-a-uuid\"}"),
                400, "INVALID_ARGUMENT", "instance");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"partitionBy\":\"city\",\"instances\":{\"sf\":\"zz\"},"
                + "\"default\":\"" + v1 + "\"}"), 400, "INVALID_ARGUMENT", "instances.sf");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"partitionBy\":\"city\",\"instances\":{\"sf\":\""
                + deprecated + "\"},\"default\":\"" + v1 + "\"}"), 400, "INVALID_ARGUMENT", "instances.sf");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"model\":\"demand/nope\",\"latest\":true}"),
                404, "NOT_FOUND", "model");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"latest\":true}"), 400, "INVALID_ARGUMENT", "model");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\"}"), 400, "INVALID_ARGUMENT", "partitionBy");
        assertError(post("/api/v1/deployments", "{\"name\":\"bad name\",\"instance\":\"" + v1 + "\"}"),
                400, "INVALID_ARGUMENT", "name");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"instance\":\"" + v1 + "\",\"logSampleRate\":2}"),
                400, "INVALID_ARGUMENT", "logSampleRate");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"instance\":\"" + v1 + "\",\"missingFeatures\":\"zero\"}"),
                400, "INVALID_ARGUMENT", "missingFeatures");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"instance\":\"" + v1 + "\",\"features\":"
                + "[{\"group\":\"g\",\"key\":\"k\",\"features\":[\"-bad\"]}]}"), 400, "INVALID_ARGUMENT", "features[0].features");
        assertError(post("/api/v1/deployments", "{\"name\":\"x\",\"instance\":\"" + v1 + "\",\"colour\":\"red\"}"),
                400, "INVALID_ARGUMENT", "colour");
        assertError(post("/api/v1/deployments", ""), 400, "INVALID_ARGUMENT", "body");
        assertError(get("/api/v1/deployments/nope"), 404, "NOT_FOUND", "name");
        assertError(get("/api/v1/deployments/nope/history"), 404, "NOT_FOUND", "name");
        assertError(send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/deployments/nope")).DELETE()),
                404, "NOT_FOUND", "name");
        assertThat(json(get("/api/v1/deployments")).get("items")).extracting(item -> item.get("name").asText())
                .doesNotContain("x", "bad name");
    }

    @Test
    void aChangeWhoseInstanceCannotLoadIsRefusedAndTheCurrentRevisionKeepsServing() throws Exception {
        ModelRef guarded = server.registry().createModel("demand", NewModel.named("guarded"), "setup").ref();
        UUID good = instance(guarded);
        assertThat(post("/api/v1/deployments", "{\"name\":\"guarded\",\"instance\":\"" + good + "\"}").statusCode())
                .isEqualTo(201);
        String rows = JSON.writeValueAsString(java.util.Map.of("rows",
                io.carrara.serving.runtime.GoldenModels.scoredInputs(io.carrara.serving.runtime.GoldenModels.TRIPS_LR, 2)));
        assertScoredBy(post("/api/v1/deployments/guarded/predict", rows), good);

        // The pipeline needs more columns than this instance declares, so it cannot load.
        UUID broken = instance(guarded, java.util.Map.of("inputSchema", "id int"));
        HttpResponse<String> refused = post("/api/v1/deployments", "{\"name\":\"guarded\",\"instance\":\"" + broken + "\"}");
        assertError(refused, 400, "DEPLOYMENT_REFUSED", "instance");
        assertThat(json(refused).get("message").asText()).contains(broken.toString()).contains("keeps serving revision 1")
                .as("no server path").doesNotContain(server.config().home().toString());

        JsonNode current = json(get("/api/v1/deployments/guarded"));
        assertThat(current.get("instance").asText()).isEqualTo(good.toString());
        assertThat(current.get("revision").asInt()).isEqualTo(1);
        assertScoredBy(post("/api/v1/deployments/guarded/predict", rows), good);
        assertThat(get("/v2/models/guarded/ready").statusCode()).isEqualTo(200);

        // latest resolves to the newest instance, the broken one: refused the same way.
        assertError(post("/api/v1/deployments", "{\"name\":\"guarded\",\"model\":\"demand/guarded\",\"latest\":true}"),
                400, "DEPLOYMENT_REFUSED", "instance");
        JsonNode history = json(get("/api/v1/deployments/guarded/history")).get("items");
        assertThat(history).extracting(item -> item.get("action").asText()).containsExactly("created", "refused", "refused");
        assertThat(history.get(1).get("instance").asText()).isEqualTo(broken.toString());
        assertThat(history.get(1).get("reason").asText()).contains(broken.toString());
        assertThat(json(get("/api/v1/events?after=0&limit=1000")).get("items"))
                .extracting(event -> event.get("type").asText()).contains("deployment.refused");

        // A refused first deploy deploys nothing, and a good change after a refusal goes through.
        assertError(post("/api/v1/deployments", "{\"name\":\"guarded-new\",\"instance\":\"" + broken + "\"}"),
                400, "DEPLOYMENT_REFUSED", "instance");
        assertError(get("/api/v1/deployments/guarded-new"), 404, "NOT_FOUND", "name");
        UUID better = instance(guarded);
        HttpResponse<String> moved = post("/api/v1/deployments", "{\"name\":\"guarded\",\"instance\":\"" + better + "\"}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(json(moved).get("revision").asInt()).isEqualTo(4);
        assertScoredBy(post("/api/v1/deployments/guarded/predict", rows), better);
    }

    private static void assertScoredBy(HttpResponse<String> response, UUID instance) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode row : json(response).get("predictions")) {
            assertThat(row.has("error") || row.has("skipped")).as(response.body()).isFalse();
        }
        assertThat(json(response).get("instances")).extracting(JsonNode::asText).containsOnly(instance.toString());
    }

    @Test
    void exposesTheRegistriesTheServingEngineUses() {
        assertThat(server.deployments()).isNotNull();
        assertThat(server.predictionLog()).isNotNull();
    }

    /** A new instance of the golden trips pipeline: deploys load what they route to, so it must be a model that loads. */
    private UUID instance(ModelRef model) {
        return instance(model, java.util.Map.of());
    }

    private UUID instance(ModelRef model, java.util.Map<String, String> metadata) {
        return io.carrara.server.TestModels.uploadPipeline(server.registry(), model,
                io.carrara.serving.runtime.GoldenModels.model(io.carrara.serving.runtime.GoldenModels.TRIPS_LR), metadata).id();
    }

    private void assertError(HttpResponse<String> response, int status, String code, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank().doesNotContain("\tat ");
        assertThat(body.get("field").asText()).as(response.body()).isEqualTo(field);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", "application/json")
                .header("X-Carrara-User", "alice").POST(BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
