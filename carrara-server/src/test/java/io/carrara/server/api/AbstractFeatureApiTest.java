package io.carrara.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.config.ServerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature endpoints over real HTTP; subclasses choose the store through the server's settings. */
abstract class AbstractFeatureApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    protected CarraraServer server;
    private final HttpClient http = TestHttp.client();

    /** The {@code features.*} settings of the store under test. */
    protected abstract Map<String, String> storeSettings();

    @BeforeEach
    void start() {
        Map<String, String> flags = new HashMap<>(storeSettings());
        flags.put("port", "0");
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), flags)).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void putMergesAndGetAnswersTypedValues() throws Exception {
        HttpResponse<String> first = put("/api/v1/features/driver_stats/d42", "{\"trips_7d\": 12, \"rating\": 4.0}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

        HttpResponse<String> second = put("/api/v1/features/driver_stats/d42",
                "{\"rating\": null, \"tier\": \"gold\", \"history\": [1, 2]}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(json(second).get("features").toString())
                .isEqualTo("{\"history\":[1,2],\"tier\":\"gold\",\"trips_7d\":12}");

        HttpResponse<String> all = get("/api/v1/features/driver_stats/d42");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(json(all).get("group").asText()).isEqualTo("driver_stats");
        assertThat(json(all).get("key").asText()).isEqualTo("d42");
        assertThat(json(all).get("features").get("trips_7d").isIntegralNumber()).isTrue();

        put("/api/v1/features/driver_stats/d42", "{\"rating\": 5.0}");
        HttpResponse<String> some = get("/api/v1/features/driver_stats/d42?features=rating,missing,trips_7d");
        assertThat(json(some).get("features").toString()).isEqualTo("{\"rating\":5.0,\"missing\":null,\"trips_7d\":12}");
    }

    @Test
    void keysTravelEncodedInThePath() throws Exception {
        assertThat(put("/api/v1/features/driver_stats/city:nyc%20d%C3%A9", "{\"x\": 1}").statusCode()).isEqualTo(200);

        HttpResponse<String> read = get("/api/v1/features/driver_stats/city:nyc%20d%C3%A9");

        assertThat(json(read).get("key").asText()).isEqualTo("city:nyc dé");
    }

    @Test
    void deleteRemovesTheEntity() throws Exception {
        put("/api/v1/features/driver_stats/d1", "{\"x\": 1}");

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(uri("/api/v1/features/driver_stats/d1")).DELETE());

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertError(get("/api/v1/features/driver_stats/d1"), 404, "NOT_FOUND", "key");
        assertError(send(HttpRequest.newBuilder(uri("/api/v1/features/driver_stats/d1")).DELETE()), 404, "NOT_FOUND", "key");
    }

    @Test
    void badRequestsName400Fields() throws Exception {
        assertError(put("/api/v1/features/bad%20group/d1", "{\"x\": 1}"), 400, "INVALID_ARGUMENT", "group");
        assertError(put("/api/v1/features/driver_stats/d1", "[1]"), 400, "INVALID_ARGUMENT", "body");
        assertError(put("/api/v1/features/driver_stats/d1", "{oops"), 400, "INVALID_ARGUMENT", "body");
        assertError(put("/api/v1/features/driver_stats/d1", ""), 400, "INVALID_ARGUMENT", "body");
        assertError(put("/api/v1/features/driver_stats/d1", "{\"place\": {\"lat\": 1}}"), 400, "INVALID_ARGUMENT", "place");
        assertError(put("/api/v1/features/driver_stats/d1", "{\"bad name\": 1}"), 400, "INVALID_ARGUMENT", "bad name");
        assertError(get("/api/v1/features/driver_stats/d1?features=a,b%20c"), 400, "INVALID_ARGUMENT", "b c");
        assertError(get("/api/v1/features/driver_stats/nobody"), 404, "NOT_FOUND", "key");
    }

    @Test
    void bulkLoadsJsonLinesAndCsvWithPerLineErrors() throws Exception {
        HttpResponse<String> jsonl = post("/api/v1/features/driver_stats?key=driver_id&format=jsonl", "application/octet-stream",
                "{\"driver_id\": \"d1\", \"trips_7d\": 12}\n{broken\n{\"driver_id\": \"d2\", \"trips_7d\": 3}\n");
        assertThat(jsonl.statusCode()).as(jsonl.body()).isEqualTo(200);
        JsonNode report = json(jsonl);
        assertThat(report.get("loaded").asLong()).isEqualTo(2);
        assertThat(report.get("failed").asLong()).isEqualTo(1);
        assertThat(report.get("errors").get(0).get("line").asLong()).isEqualTo(2);
        assertThat(report.get("errors").get(0).get("message").asText()).contains("not valid JSON");
        assertThat(report.get("errorsTruncated").asBoolean()).isFalse();

        HttpResponse<String> csv = post("/api/v1/features/driver_stats?key=driver_id", "text/csv",
                "driver_id,rating\nd1,4.5\nd3,\n");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(json(csv).get("loaded").asLong()).isEqualTo(2);

        assertThat(json(get("/api/v1/features/driver_stats/d1")).get("features").toString())
                .isEqualTo("{\"rating\":4.5,\"trips_7d\":12}");
    }

    @Test
    void badBulkLoadsAre400NamingTheField() throws Exception {
        assertError(post("/api/v1/features/driver_stats?format=jsonl", "application/x-ndjson", "{}"), 400, "INVALID_ARGUMENT",
                "key");
        assertError(post("/api/v1/features/driver_stats?key=id&format=xml", "application/x-ndjson", "{}"), 400,
                "INVALID_ARGUMENT", "format");
        // A file's type comes from Content-Type; text/plain is what a web form sends, and is refused.
        assertError(post("/api/v1/features/driver_stats?key=id", "text/plain", "{}"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type");
        assertError(post("/api/v1/features/driver_stats?key=id&format=csv", "text/csv", "driver_id,x\nd1,1\n"),
                400, "INVALID_ARGUMENT", "key");
        assertError(post("/api/v1/features/bad%20group?key=id&format=csv", "text/csv", "id\n"), 400,
                "INVALID_ARGUMENT", "group");
        // A header far beyond any feature group: 400 with a short answer, not a 500 or an echo of the header.
        StringBuilder wide = new StringBuilder("id");
        for (int i = 0; i < 20_000; i++) {
            wide.append(",c").append(i);
        }
        HttpResponse<String> tooWide = post("/api/v1/features/driver_stats?key=id&format=csv", "text/csv", wide + "\n");
        assertError(tooWide, 400, "INVALID_ARGUMENT", "header");
        assertThat(tooWide.body().length()).isLessThan(3_000);
        StringBuilder manyWithoutKey = new StringBuilder("c0");
        for (int i = 1; i < 5_000; i++) {
            manyWithoutKey.append(",c").append(i);
        }
        HttpResponse<String> noKey = post("/api/v1/features/driver_stats?key=id&format=csv", "text/csv",
                manyWithoutKey + "\n");
        assertError(noKey, 400, "INVALID_ARGUMENT", "key");
        assertThat(noKey.body().length()).isLessThan(3_000);
        String hugeCell = "id," + "x".repeat(25_000_000) + "\n";
        HttpResponse<String> huge = post("/api/v1/features/driver_stats?key=id&format=csv", "text/csv", hugeCell);
        assertError(huge, 400, "INVALID_ARGUMENT", "header");
        assertThat(huge.body().length()).isLessThan(3_000);
        HttpResponse<String> narrowNoKey = post("/api/v1/features/driver_stats?key=id&format=csv", "text/csv",
                "a,b,c\n");
        assertError(narrowNoKey, 400, "INVALID_ARGUMENT", "key");
    }

    protected void assertError(HttpResponse<String> response, int status, String code, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank().doesNotContain("\tat ");
        assertThat(body.get("field").asText()).as(response.body()).isEqualTo(field);
    }

    private URI uri(String path) {
        return server.uri().resolve(path);
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    protected HttpResponse<String> put(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(body, UTF_8)));
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body, UTF_8)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), BodyHandlers.ofString(UTF_8));
    }

    protected static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
