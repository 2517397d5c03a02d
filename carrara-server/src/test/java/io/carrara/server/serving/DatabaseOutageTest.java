package io.carrara.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.model.Instance;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry database going away while the server runs (PostgreSQL ends the server's sessions and
 * refuses new ones, then accepts them again): every call that needs it answers 503
 * DATABASE_UNAVAILABLE within the connection timeout, reads as well as writes, health says the
 * database is down, a loaded model keeps predicting, and everything answers again once the database
 * is back.
 */
class DatabaseOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();

    @TempDir
    Path home;

    @Test
    void callsThatNeedTheDatabaseAnswer503QuicklyAndRecover() throws Exception {
        try (TestDatabases.TestDatabase database = TestDatabases.create(DatabaseDialect.POSTGRESQL);
                CarraraServer server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of(
                        "port", "0", "database.url", database.config().url(), "database.user", database.config().user(),
                        "database.connectionTimeoutMillis", "1000"))).withAuth(ServerConfig.Auth.OFF))) {
            String name = database.config().url().substring(database.config().url().lastIndexOf('/') + 1);
            Instance instance = TestModels.uploadPipeline(server.registry(), new ModelRef("demand", "trips"),
                    GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
            assertThat(post(server, "/api/v1/deployments", "{\"name\":\"fares\",\"instance\":\"" + instance.id() + "\"}")
                    .statusCode()).isEqualTo(201);
            String rows = JSON.writeValueAsString(Map.of("rows", GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1)));

            admin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");

            for (String path : new String[] {"/api/v1/projects", "/api/v1/projects/demand/models/trips",
                    "/api/v1/instances/" + instance.id(), "/api/v1/search?q=", "/api/v1/deployments",
                    "/api/v1/deployments/fares/history", "/api/v1/events"}) {
                long started = System.nanoTime();
                HttpResponse<String> answer = get(server, path);
                assertUnavailable(answer, path);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as(path).isLessThan(Duration.ofSeconds(5));
            }
            assertUnavailable(post(server, "/api/v1/projects", "{\"name\":\"while-down\"}"), "POST /api/v1/projects");
            HttpResponse<String> health = get(server, "/api/v1/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(health.body()).get("database").asText()).isEqualTo("down");
            // A loaded model does not need the database to predict.
            assertThat(post(server, "/api/v1/deployments/fares/predict", rows).statusCode()).isEqualTo(200);

            admin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (get(server, "/api/v1/projects").statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(get(server, "/api/v1/projects").statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(get(server, "/api/v1/health").body()).get("status").asText()).isEqualTo("ok");
            assertThat(post(server, "/api/v1/projects", "{\"name\":\"after\"}").statusCode()).isEqualTo(201);
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(TestDatabases.POSTGRES_URL + "postgres",
                TestDatabases.POSTGRES_USER, ""); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void assertUnavailable(HttpResponse<String> answer, String what) throws IOException {
        assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(503);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("code").asText()).as(what).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(body.get("message").asText()).doesNotContain("jdbc:").doesNotContain("Exception");
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
