package io.carrara.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.deploy.NewDeployment;
import io.carrara.registry.model.Instance;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring endpoints over real HTTP: settings, and outcomes refused as a whole only when the request itself is
 * wrong (not a list, too long, an unknown field, no declared task, no such deployment), row by row otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CarraraServer server;

    @BeforeAll
    void start(@TempDir Path home) {
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0")))
                .withAuth(ServerConfig.Auth.OFF));
        Instance instance = TestModels.uploadPipeline(server.registry(), new ModelRef("risk", "fraud"),
                GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
        server.deployments().deploy(NewDeployment.pinned("fraud", instance.id()), "alice");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void settingsAndOutcomesRefuseBadRequestsNamingTheField() throws Exception {
        HttpResponse<String> notYet = send("POST", "/api/v1/deployments/fraud/outcomes", "[{\"predictionId\": \"a\", \"outcome\": 1}]");
        assertError(notYet, 409, "deployment");
        assertError(send("GET", "/api/v1/deployments/fraud/monitoring/settings", null), 404, "name");
        assertError(send("PUT", "/api/v1/deployments/fraud/monitoring/settings", "{\"task\": \"clustering\"}"), 400, "task");
        assertError(send("PUT", "/api/v1/deployments/fraud/monitoring/settings", "{\"task\": \"regression\", \"x\": 1}"), 400, "x");
        assertError(send("PUT", "/api/v1/deployments/nope/monitoring/settings", "{\"task\": \"regression\"}"), 404, null);

        HttpResponse<String> configured = send("PUT", "/api/v1/deployments/fraud/monitoring/settings", "{\"task\": \"classification\"}");
        assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);
        assertThat(json(configured).get("task").asText()).isEqualTo("classification");
        assertThat(json(send("GET", "/api/v1/deployments/fraud/monitoring/settings", null)).get("updatedBy").asText()).isEqualTo("alice");

        String outcomes = "/api/v1/deployments/fraud/outcomes";
        assertError(send("POST", outcomes, "{\"predictionId\": \"a\", \"outcome\": 1}"), 400, "body");
        assertError(send("POST", outcomes, "[]"), 400, "outcomes");
        assertError(send("POST", outcomes, "[{\"predictionId\": \"a\", \"outcome\": 1, \"label\": 1}]"), 400, "[0].label");
        assertError(send("POST", outcomes, "[{\"predictionId\": \"a\""), 400, "body");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= 10_000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"predictionId\": \"p").append(i).append("\", \"outcome\": 1}");
        }
        assertError(send("POST", outcomes, many.append(']').toString()), 400, "outcomes");

        HttpResponse<String> mixed = send("POST", outcomes, "[{\"predictionId\": \"a\", \"outcome\": 1},"
                + " {\"predictionId\": \"b\", \"outcome\": 0.5}, {\"predictionId\": {\"$gt\": \"\"}, \"outcome\": 1}]");
        assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(200);
        JsonNode load = json(mixed);
        assertThat(load.get("accepted").asInt()).isEqualTo(1);
        assertThat(load.get("orphans").asInt()).isEqualTo(1);
        assertThat(load.get("rejected").asInt()).isEqualTo(2);
        assertThat(load.get("problems")).extracting(problem -> problem.get("field").asText()).containsExactly("[1].outcome", "[2].predictionId");
    }

    private static void assertError(HttpResponse<String> response, int status, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        if (field != null) {
            assertThat(json(response).get("field").asText()).as(response.body()).isEqualTo(field);
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice")
                .timeout(Duration.ofSeconds(60));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
