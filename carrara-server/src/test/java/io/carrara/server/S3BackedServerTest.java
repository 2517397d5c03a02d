package io.carrara.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.registry.blob.S3TestServer;
import io.carrara.server.config.ServerSettings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The server configured for S3 blobs, as in production, against a real S3-compatible server. */
class S3BackedServerTest {
    @RegisterExtension
    static final S3TestServer S3 = new S3TestServer();

    @Test
    void storesAndServesArtifactsFromS3(@TempDir Path home) throws Exception {
        Map<String, String> flags = Map.of(
                "port", "0",
                "blobs.type", "s3",
                "blobs.s3.bucket", "carrara-server-test",
                "blobs.s3.prefix", "run-" + UUID.randomUUID(),
                "blobs.s3.endpoint", S3.endpoint().toString(),
                "blobs.s3.pathStyle", "true",
                "blobs.s3.accessKeyId", S3.accessKeyId(),
                "blobs.s3.secretAccessKey", S3.secretAccessKey(),
                "blobs.s3.createBucket", "true");
        ObjectMapper json = new ObjectMapper();
        HttpClient http = TestHttp.client();
        try (CarraraServer server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), flags)).withAuth(ServerConfig.Auth.OFF))) {
            http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/projects")).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString("{\"name\":\"p\"}")).build(), BodyHandlers.ofString());
            http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/projects/p/models")).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString("{\"name\":\"m\"}")).build(), BodyHandlers.ofString());
            JsonNode blob = json.readTree(http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/blobs")).header("Content-Type", "application/octet-stream")
                    .POST(BodyPublishers.ofString("weights")).build(), BodyHandlers.ofString()).body());
            assertThat(blob.get("uri").asText()).startsWith("s3://carrara-server-test/");

            String created = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/projects/p/models/m/instances")).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString("{\"artifact\":{\"sha256\":\"" + blob.get("sha256").asText()
                            + "\",\"format\":\"opaque\"}}")).build(), BodyHandlers.ofString()).body();
            String id = json.readTree(created).get("id").asText();
            byte[] downloaded = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/instances/" + id + "/artifact"))
                    .build(), BodyHandlers.ofByteArray()).body();
            assertThat(new String(downloaded, UTF_8)).isEqualTo("weights");
        }
    }
}
