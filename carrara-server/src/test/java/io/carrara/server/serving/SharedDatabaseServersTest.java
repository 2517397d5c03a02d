package io.carrara.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.model.Instance;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one registry database and blob store: a deployment made, changed or removed
 * through one is followed by the other within its sync interval.
 */
class SharedDatabaseServersTest {
    private static final HttpClient HTTP = TestHttp.client();

    @TempDir
    Path homes;

    @Test
    void aServerFollowsDeploymentsMadeThroughAnother() throws Exception {
        Path first = homes.resolve("a");
        Map<String, String> shared = Map.of("port", "0", "serving.syncSeconds", "1",
                "database.url", "jdbc:h2:file:" + first.toAbsolutePath().resolve("registry") + ";AUTO_SERVER=TRUE",
                "database.user", "sa", "blobs.path", first.resolve("blobs").toString());
        try (CarraraServer a = CarraraServer.start(ServerConfig.from(ServerSettings.load(first, Map.of(), shared)).withAuth(ServerConfig.Auth.OFF));
                CarraraServer b = CarraraServer.start(ServerConfig.from(ServerSettings.load(homes.resolve("b"), Map.of(), shared)).withAuth(ServerConfig.Auth.OFF))) {
            Instance instance = TestModels.uploadPipeline(a.registry(), new ModelRef("demand", "trips"),
                    GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());

            HttpResponse<String> deployed = send(a, HttpRequest.newBuilder(URI.create(a.uri() + "/api/v1/deployments"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"fares\",\"model\":\"demand/trips\",\"instance\":\""
                            + instance.id() + "\"}")));
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);

            assertThat(awaitStatus(b, "/v2/models/fares/ready", 200)).isEqualTo(200);
            String row = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                    Map.of("rows", GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1)));
            HttpResponse<String> predicted = send(b, HttpRequest.newBuilder(URI.create(b.uri() + "/api/v1/deployments/fares/predict"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(row)));
            assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
            assertThat(predicted.body()).contains("\"instance\":\"" + instance.id() + "\"").contains("\"prediction\"");

            HttpResponse<String> undeployed = send(a, HttpRequest.newBuilder(URI.create(a.uri() + "/api/v1/deployments/fares")).DELETE());
            assertThat(undeployed.statusCode()).as(undeployed.body()).isEqualTo(200);
            assertThat(awaitStatus(b, "/v2/models/fares/ready", 404)).isEqualTo(404);
        }
    }

    private static int awaitStatus(CarraraServer server, String path, int wanted) throws Exception {
        int status = -1;
        for (int attempt = 0; attempt < 200 && status != wanted; attempt++) {
            Thread.sleep(50);
            status = send(server, HttpRequest.newBuilder(URI.create(server.uri() + path)).GET()).statusCode();
        }
        return status;
    }

    private static HttpResponse<String> send(CarraraServer server, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).header("X-Carrara-User", "alice").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
