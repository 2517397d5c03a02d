package io.carrara.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.config.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page can make a browser send: JSON as {@code text/plain} or a form (no preflight), a
 * request with the page's {@code Origin}, a host name re-pointed at 127.0.0.1. None of it changes
 * anything; the same calls from programs, and reads, still work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = TestHttp.client();
    private CarraraServer server;

    @BeforeAll
    void start(@TempDir Path home) {
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(),
                Map.of("port", "0", "http.allowedOrigins", "https://ui.example.com"))).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aJsonBodyMustSayItIsJson() throws Exception {
        assertRefused(post("/api/v1/projects", "text/plain", "{\"name\":\"plain\"}"), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertRefused(post("/api/v1/projects", "application/x-www-form-urlencoded", "{\"name\":\"form\"}"), 415,
                "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertRefused(post("/api/v1/projects", null, "{\"name\":\"none\"}"), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertRefused(post("/api/v1/deployments/any/predict", "text/plain", "{\"rows\":[{}]}"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type");
        assertRefused(post("/api/v1/batch/jobs", "text/plain", "{}"), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertRefused(post("/api/v1/tables/ml.t/import?format=csv", "text/plain", "a\n1\n"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type");
        assertRefused(post("/api/v1/features/g?key=k", "text/plain", "k,v\n1,2\n"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type");
        assertRefused(post("/api/v1/blobs", "text/plain", "bytes"), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertRefused(post("/api/v1/workflows", "text/plain", "name: w\nsteps: []\n"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type");
        HttpResponse<String> oip = post("/v2/models/any/infer", "text/plain", "{\"inputs\":[]}");
        assertThat(oip.statusCode()).as(oip.body()).isEqualTo(415);
        assertThat(json(oip).get("error").asText()).contains("application/json");

        assertThat(json(get("/api/v1/projects")).get("items")).isEmpty();
        assertThat(post("/api/v1/projects", "application/json; charset=utf-8", "{\"name\":\"typed\"}").statusCode())
                .isEqualTo(201);
    }

    @Test
    void aPageOnAnotherOriginChangesNothing() throws Exception {
        assertRefused(send(request("/api/v1/projects", "application/json", "{\"name\":\"evil\"}")
                .header("Origin", "http://evil.example")), 403, "CROSS_ORIGIN_REFUSED", "Origin");
        // Another port of this machine is another origin.
        assertRefused(send(request("/api/v1/projects", "application/json", "{\"name\":\"evil2\"}")
                .header("Origin", "http://127.0.0.1:3000")), 403, "CROSS_ORIGIN_REFUSED", "Origin");
        assertRefused(send(request("/api/v1/projects", "application/json", "{\"name\":\"evil3\"}")
                .header("Origin", "null")), 403, "CROSS_ORIGIN_REFUSED", "Origin");
        assertRefused(send(request("/api/v1/projects", "application/json", "{\"name\":\"evil4\"}")
                .header("Sec-Fetch-Site", "cross-site")), 403, "CROSS_ORIGIN_REFUSED", "Origin");
        assertRefused(send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/deployments/any"))
                .header("Origin", "http://evil.example").DELETE()), 403, "CROSS_ORIGIN_REFUSED", "Origin");
        assertThat(json(get("/api/v1/projects")).get("items")).extracting(item -> item.get("name").asText())
                .noneMatch(name -> name.startsWith("evil"));

        // The server's own origin, an allowed one, and reads from anywhere pass.
        String own = "http://127.0.0.1:" + server.port();
        assertThat(send(request("/api/v1/projects", "application/json", "{\"name\":\"own\"}").header("Origin", own))
                .statusCode()).isEqualTo(201);
        assertThat(send(request("/api/v1/projects", "application/json", "{\"name\":\"ui\"}")
                .header("Origin", "https://ui.example.com")).statusCode()).isEqualTo(201);
        assertThat(send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/projects")).header("Origin", "http://evil.example")
                .GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void aForeignHostNameOnALoopbackServerIsRefused() throws Exception {
        // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 is "same origin" with itself.
        String refused = rawRequest("POST /api/v1/projects HTTP/1.1\r\nHost: evil.example:" + server.port()
                + "\r\nOrigin: http://evil.example:" + server.port() + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 17\r\nConnection: close\r\n\r\n{\"name\":\"rebind\"}");
        assertThat(refused).startsWith("HTTP/1.1 403").contains("CROSS_ORIGIN_REFUSED").contains("\"field\":\"Host\"");
        String read = rawRequest("GET /api/v1/projects HTTP/1.1\r\nHost: evil.example:" + server.port()
                + "\r\nConnection: close\r\n\r\n");
        assertThat(read).startsWith("HTTP/1.1 403");
        String local = rawRequest("GET /api/v1/projects HTTP/1.1\r\nHost: localhost:" + server.port()
                + "\r\nConnection: close\r\n\r\n");
        assertThat(local).startsWith("HTTP/1.1 200");
    }

    private String rawRequest(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    private void assertRefused(HttpResponse<String> response, int status, String code, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("field").asText()).isEqualTo(field);
        assertThat(body.get("message").asText()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET());
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send(request(path, contentType, body));
    }

    private HttpRequest.Builder request(String path, String contentType, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri().resolve(path)).POST(BodyPublishers.ofString(body));
        return contentType == null ? builder : builder.header("Content-Type", contentType);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
