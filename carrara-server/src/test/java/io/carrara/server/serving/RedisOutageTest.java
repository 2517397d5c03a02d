package io.carrara.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.model.Instance;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose Redis is down when it starts: it starts, serves the deployments that need no
 * features, reports the ones that do as not ready (readiness and health), and serves them once a
 * real Redis answers on that address.
 */
class RedisOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();

    @TempDir
    Path home;

    @Test
    void startsWithoutRedisAndServesFeatureDeploymentsOnceItAnswers() throws Exception {
        int port = freePort();
        try (CarraraServer server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of(
                "port", "0", "features.store", "redis", "features.redis.url", "redis://127.0.0.1:" + port,
                "features.redis.timeoutMillis", "300"))).withAuth(ServerConfig.Auth.OFF))) {
            Instance instance = TestModels.uploadPipeline(server.registry(), new ModelRef("demand", "trips"),
                    GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
            assertThat(post(server, "/api/v1/deployments", "{\"name\":\"plain\",\"instance\":\"" + instance.id() + "\"}")
                    .statusCode()).isEqualTo(201);
            HttpResponse<String> joined = post(server, "/api/v1/deployments", "{\"name\":\"joined\",\"instance\":\""
                    + instance.id() + "\",\"features\":[{\"group\":\"trip_stats\",\"key\":\"id\",\"features\":[\"distance\"]}]}");
            assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);

            String rows = JSON.writeValueAsString(Map.of("rows", GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1)));
            assertThat(post(server, "/api/v1/deployments/plain/predict", rows).statusCode()).isEqualTo(200);
            assertThat(get(server, "/v2/models/plain/ready").statusCode()).isEqualTo(200);

            HttpResponse<String> notReady = get(server, "/v2/models/joined/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(notReady.body()).get("error").asText()).contains("redis://127.0.0.1:" + port)
                    .contains("trip_stats");
            HttpResponse<String> failing = post(server, "/api/v1/deployments/joined/predict", rows);
            assertThat(failing.statusCode()).as(failing.body()).isEqualTo(503);
            assertThat(JSON.readTree(failing.body()).get("code").asText()).isEqualTo("FEATURE_STORE_UNAVAILABLE");
            HttpResponse<String> health = get(server, "/api/v1/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("degraded");
            assertThat(JSON.readTree(health.body()).get("features").asText()).isEqualTo("down");

            Process redis = startRedis(port);
            try {
                eventually(() -> get(server, "/v2/models/joined/ready").statusCode() == 200, Duration.ofSeconds(20));
                HttpResponse<String> served = post(server, "/api/v1/deployments/joined/predict", rows);
                assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
                JsonNode healthy = JSON.readTree(get(server, "/api/v1/health").body());
                assertThat(healthy.get("status").asText()).isEqualTo("ok");
            } finally {
                redis.destroy();
                redis.waitFor();
            }
        }
    }

    /** A redis-server of the machine's (the CI machine runs one) on {@code port}, keeping nothing on disk. */
    private Process startRedis(int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", home.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("redis.log").toFile());
        try {
            return builder.start();
        } catch (IOException e) {
            String message = "redis-server is not installed: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CARRARA_REQUIRE_SERVICES"))) {
                fail(message + " (CARRARA_REQUIRE_SERVICES=true, so this fails instead of skipping)");
            }
            Assumptions.abort(message);
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void eventually(CheckedCondition condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }

    private static HttpResponse<String> get(CarraraServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(CarraraServer server, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
