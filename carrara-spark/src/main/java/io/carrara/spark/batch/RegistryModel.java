package io.carrara.spark.batch;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static io.carrara.spi.error.StandardErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.VerifyingInputStream;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * An instance's Spark pipeline fetched on the driver from a Carrara server, which streams it from
 * its blob store (filesystem or S3): the instance is looked up, its artifact downloaded and checked
 * against its SHA-256, and the zip extracted. Executors then get the files inside the task closure,
 * so only the driver needs to reach the server.
 *
 * @param model the instance's model, {@code project/model}
 * @param directory the extracted pipeline, under a temporary directory the caller removes
 */
record RegistryModel(String model, Path directory) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static RegistryModel fetch(URI server, UUID instance) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        URI base = server.toString().endsWith("/") ? server : URI.create(server + "/");
        JsonNode described = JSON.readTree(send(http, base.resolve("api/v1/instances/" + instance), instance).body());
        if (described.path("deprecated").asBoolean(false)) {
            throw new CarraraException(INVALID_ARGUMENT, "instance " + instance + " is deprecated ("
                    + described.path("deprecatedReason").asText("no reason given") + "); score with a live instance", "instance");
        }
        JsonNode artifact = described.path("artifact");
        if ("python".equals(artifact.path("format").asText())) {
            throw new CarraraException(INVALID_ARGUMENT, "instance " + instance + " is a Python model; this job jar scores Spark"
                    + " pipelines only: run it on the Carrara server (carrara batch predict) instead", "instance");
        }
        if (!"spark-pipeline".equals(artifact.path("format").asText()) || !"zip".equals(artifact.path("packaging").asText())) {
            throw new CarraraException(INVALID_ARGUMENT, "instance " + instance + " is a " + artifact.path("format").asText()
                    + " " + artifact.path("packaging").asText() + " artifact; batch jobs score Spark pipelines uploaded as a"
                    + " directory (format spark-pipeline, packaging zip)", "instance");
        }
        String sha256 = artifact.path("sha256").asText();
        Path temporary = Files.createTempDirectory("carrara-batch-model");
        Path zip = temporary.resolve("model.zip");
        HttpResponse<InputStream> download = send(http, base.resolve("api/v1/instances/" + instance + "/artifact"), instance);
        // Copied whole before extraction, so that the digest is checked over every byte.
        try (InputStream in = new VerifyingInputStream(download.body(), sha256)) {
            Files.copy(in, zip);
        }
        Path target = temporary.resolve("model");
        try (InputStream in = Files.newInputStream(zip)) {
            ModelArchive.extract(in, target);
        } finally {
            Files.deleteIfExists(zip);
        }
        return new RegistryModel(described.path("model").asText(), target);
    }

    private static HttpResponse<InputStream> send(HttpClient http, URI uri, UUID instance) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        } catch (IOException e) {
            throw new CarraraException(UNAVAILABLE, "cannot reach the Carrara server at " + uri + ": " + e.getMessage()
                    + "; check --carrara", "carrara", e);
        }
        if (response.statusCode() == 404) {
            response.body().close();
            throw new CarraraException(NOT_FOUND, "the Carrara server has no instance " + instance, "instance");
        }
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(2000), java.nio.charset.StandardCharsets.UTF_8);
            }
            throw new CarraraException(UNAVAILABLE, "the Carrara server answered " + response.statusCode() + " to " + uri
                    + ": " + body, "carrara");
        }
        return response;
    }
}
