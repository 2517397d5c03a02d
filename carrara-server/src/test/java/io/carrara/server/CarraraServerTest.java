package io.carrara.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.spi.blob.BlobDigests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API over real HTTP: status codes, error bodies, limits, streaming, metrics and the reference page. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CarraraServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path home;

    private CarraraServer server;
    private final HttpClient http = TestHttp.client();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        Files.writeString(home.resolve("carrara.properties"), "limits.maxBlobBytes=100000\nlimits.maxRequestBytes=65536\n");
        server = CarraraServer.start(ServerConfig.from(io.carrara.server.config.ServerSettings.load(home, Map.of(),
                Map.of("port", "0"))).withAuth(ServerConfig.Auth.OFF));
        assertThat(post("/api/v1/projects", "{\"name\":\"demand\"}").statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/projects/demand/models", "{\"name\":\"eta\",\"tags\":[\"x\"]}").statusCode()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void uploadsCreatesDownloadsAndSearchesOverHttp() throws Exception {
        byte[] artifact = "a model".getBytes(UTF_8);
        String sha = BlobDigests.hex(BlobDigests.newSha256().digest(artifact));
        HttpResponse<String> blob = send(HttpRequest.newBuilder(uri("/api/v1/blobs")).header("Content-Type", "application/octet-stream")
                .header("X-Carrara-Sha256", sha)
                .POST(BodyPublishers.ofByteArray(artifact)));
        assertThat(blob.statusCode()).isEqualTo(201);
        assertThat(json(blob).get("sha256").asText()).isEqualTo(sha);
        assertThat(json(blob).get("size").asLong()).isEqualTo(artifact.length);

        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/v1/projects/demand/models/eta/instances"))
                .header("X-Carrara-User", "alice").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"artifact\":{\"sha256\":\"" + sha + "\",\"format\":\"opaque\"},"
                        + "\"metadata\":{\"city\":\"nyc\"}}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode instance = json(created);
        String id = instance.get("id").asText();
        assertThat(instance.get("model").asText()).isEqualTo("demand/eta");
        assertThat(instance.get("createdBy").asText()).isEqualTo("alice");
        assertThat(instance.get("artifact").get("format").asText()).isEqualTo("opaque");
        assertThat(instance.get("createdAt").asText()).endsWith("Z");
        JsonNode provenance = instance.get("provenance");
        assertThat(provenance.get("formatVersion").asInt()).isEqualTo(2);
        assertThat(provenance.get("uploader").asText()).isEqualTo("alice");
        assertThat(provenance.at("/server/javaVersion").asText()).isEqualTo(System.getProperty("java.version"));
        assertThat(provenance.has("training")).isFalse();

        HttpResponse<String> trained = send(HttpRequest.newBuilder(uri("/api/v1/projects/demand/models/eta/instances"))
                .header("X-Carrara-User", "alice").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"artifact\":{\"sha256\":\"" + sha + "\",\"format\":\"opaque\"},"
                        + "\"provenance\":{\"formatVersion\":2,\"fileName\":\"model.txt\",\"client\":{\"os\":\"Linux\"},"
                        + "\"training\":{\"dataRef\":\"hive://trips\",\"seeds\":{\"split\":42},"
                        + "\"frameworks\":{\"scikit-learn\":\"1.5.2\"}},\"extra\":{\"team\":\"pricing\"}}}")));
        assertThat(trained.statusCode()).as(trained.body()).isEqualTo(201);
        JsonNode trainedProvenance = json(trained).get("provenance");
        assertThat(trainedProvenance.get("fileName").asText()).isEqualTo("model.txt");
        assertThat(trainedProvenance.at("/client/os").asText()).isEqualTo("Linux");
        assertThat(trainedProvenance.at("/training/seeds/split").asLong()).isEqualTo(42L);
        assertThat(trainedProvenance.at("/training/frameworks/scikit-learn").asText()).isEqualTo("1.5.2");
        assertThat(trainedProvenance.at("/extra/team").asText()).isEqualTo("pricing");
        String trainedId = json(trained).get("id").asText();
        assertThat(json(get("/api/v1/instances/" + trainedId)).get("provenance")).isEqualTo(trainedProvenance);

        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(uri("/api/v1/instances/" + id + "/artifact")).build(),
                BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(artifact);
        assertThat(download.headers().firstValue("X-Carrara-Sha256")).contains(sha);

        HttpResponse<String> metric = post("/api/v1/instances/" + id + "/metrics", "{\"name\":\"mae\",\"value\":4.2}");
        assertThat(metric.statusCode()).isEqualTo(201);
        HttpResponse<String> search = get("/api/v1/search?q=" + java.net.URLEncoder.encode(
                "meta.city = 'nyc' AND metric.validation.mae < 5", UTF_8));
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(json(search).get("items")).hasSize(1);
        assertThat(json(search).get("items").get(0).get("id").asText()).isEqualTo(id);
    }

    @Test
    void badInputGetsA4xxWithCodeMessageAndField() throws Exception {
        assertError(get("/api/v1/projects/nope"), 404, "NOT_FOUND", "project");
        assertError(get("/api/v1/projects/demand/models/nope"), 404, "NOT_FOUND", "model");
        assertError(post("/api/v1/projects", "{\"name\":\"demand\"}"), 409, "ALREADY_EXISTS", "name");
        assertError(post("/api/v1/projects", "{\"name\":\"x\",\"colour\":\"red\"}"), 400, "INVALID_ARGUMENT", "colour");
        assertError(post("/api/v1/projects", "{not json"), 400, "INVALID_ARGUMENT", "body");
        assertError(post("/api/v1/projects", ""), 400, "INVALID_ARGUMENT", "body");
        assertError(get("/api/v1/search?q=" + java.net.URLEncoder.encode("model = ", UTF_8)), 400, "SEARCH_SYNTAX", "q");
        assertError(get("/api/v1/instances/not-a-uuid"), 400, "INVALID_ARGUMENT", "id");
        assertError(get("/api/v1/events?limit=abc"), 400, "INVALID_ARGUMENT", "limit");
        assertError(get("/api/v1/events?after=x1"), 400, "INVALID_ARGUMENT", "after");
        assertError(get("/api/v1/search?q=&limit=abc"), 400, "INVALID_ARGUMENT", "limit");
        assertError(get("/api/v1/search?q=&offset=1.5"), 400, "INVALID_ARGUMENT", "offset");
        assertError(get("/api/v1/projects/demand/models/eta/instances?limit=many"), 400, "INVALID_ARGUMENT", "limit");
        assertError(get("/api/v1/projects/demand/models/eta/lineage?limit=" + "9".repeat(30)), 400, "INVALID_ARGUMENT", "limit");
        assertError(get("/api/v1/instances/00000000-0000-0000-0000-000000000000"), 404, "NOT_FOUND", "id");
        assertError(post("/api/v1/instances/00000000-0000-0000-0000-000000000000/metrics", "{\"name\":\"mae\",\"value\":\"high\"}"),
                400, "INVALID_ARGUMENT", "value");
        assertError(post("/api/v1/projects/demand/models/eta/instances",
                "{\"artifact\":{\"sha256\":\"" + "a".repeat(64) + "\",\"format\":\"opaque\"}}"), 400, "BLOB_MISSING",
                "artifact.sha256");
        // Refused by the request records' own constructors; the 400 still names the field.
        assertError(post("/api/v1/projects", "{\"name\":\"bad name!\"}"), 400, "INVALID_ARGUMENT", "name");
        assertError(post("/api/v1/projects/demand/models/eta/instances",
                "{\"artifact\":{\"sha256\":\"xyz\",\"format\":\"opaque\"}}"), 400, "INVALID_ARGUMENT", "artifact.sha256");
        assertError(post("/api/v1/projects/demand/models/eta/instances", "{\"artifact\":{\"sha256\":\"" + "a".repeat(64)
                + "\",\"format\":\"opaque\"},\"provenance\":{\"formatVersion\":2,\"uploader\":\"mallory\"}}"),
                400, "INVALID_ARGUMENT", "provenance.uploader");
        assertError(post("/api/v1/projects/demand/models/eta/instances", "{\"artifact\":{\"sha256\":\"" + "a".repeat(64)
                + "\",\"format\":\"opaque\"},\"provenance\":{\"formatVersion\":2,\"training\":{\"seeds\":{\"split\":\"x\"}}}}"),
                400, "INVALID_ARGUMENT", "provenance.training.seeds.split");
        assertError(post("/api/v1/instances/00000000-0000-0000-0000-000000000000/metrics", "{\"name\":\"mae\",\"scope\":\"someday\","
                + "\"value\":1}"), 400, "INVALID_ARGUMENT", "scope");
        assertError(send(HttpRequest.newBuilder(uri("/api/v1/projects")).header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString("{}"))), 405, "METHOD_NOT_ALLOWED", null);
        HttpResponse<String> unknownRoute = get("/api/v1/nothing-here");
        assertThat(unknownRoute.statusCode()).isEqualTo(404);
        assertThat(json(unknownRoute).get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(unknownRoute.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void refusesOversizedRequestsAndStoresNothing() throws Exception {
        String big = "{\"name\":\"p\",\"description\":\"" + "x".repeat(70_000) + "\"}";
        HttpResponse<String> tooBig = post("/api/v1/projects", big);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(get("/api/v1/projects/p").statusCode()).isEqualTo(404);

        long blobsBefore = storedBlobs();
        HttpResponse<String> blob = send(HttpRequest.newBuilder(uri("/api/v1/blobs")).header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(new byte[100_001])));
        assertError(blob, 413, "PAYLOAD_TOO_LARGE", "artifact");
        assertThat(storedBlobs()).isEqualTo(blobsBefore);
    }

    private long storedBlobs() throws IOException {
        try (var files = Files.walk(home.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).filter(path -> path.getFileName().toString().length() == 64).count();
        }
    }

    @Test
    void refusesDamagedUploadsAndUnsafeArchives() throws Exception {
        HttpResponse<String> damaged = send(HttpRequest.newBuilder(uri("/api/v1/blobs")).header("Content-Type", "application/octet-stream")
                .header("X-Carrara-Sha256", "b".repeat(64))
                .POST(BodyPublishers.ofByteArray("bytes".getBytes(UTF_8))));
        assertError(damaged, 400, "INVALID_ARGUMENT", "X-Carrara-Sha256");

        ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipBytes)) {
            zip.putNextEntry(new ZipEntry("../../outside.txt"));
            zip.write("x".getBytes(UTF_8));
            zip.closeEntry();
        }
        HttpResponse<String> blob = send(HttpRequest.newBuilder(uri("/api/v1/blobs")).header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(zipBytes.toByteArray())));
        String sha = json(blob).get("sha256").asText();
        HttpResponse<String> instance = post("/api/v1/projects/demand/models/eta/instances",
                "{\"artifact\":{\"sha256\":\"" + sha + "\",\"format\":\"spark-pipeline\",\"packaging\":\"zip\"}}");
        assertError(instance, 400, "UNSAFE_ARCHIVE", null);
        assertThat(json(get("/api/v1/search?q=" + java.net.URLEncoder.encode("format = 'spark-pipeline'", UTF_8)))
                .get("items")).isEmpty();
    }

    @Test
    void refusesArchivesThatExpandTooFarWhileExtracting() throws Exception {
        // 8 MiB of zeros deflate to a few KB: a ratio of about 1,000 to 1, ten times the default limit.
        ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipBytes)) {
            zip.putNextEntry(new ZipEntry("data/zeros.bin"));
            zip.write(new byte[8 << 20]);
            zip.closeEntry();
        }
        assertThat(zipBytes.size()).isLessThan(100_000);
        HttpResponse<String> blob = send(HttpRequest.newBuilder(uri("/api/v1/blobs")).header("Content-Type", "application/zip")
                .POST(BodyPublishers.ofByteArray(zipBytes.toByteArray())));
        assertThat(blob.statusCode()).isEqualTo(201);
        HttpResponse<String> instance = post("/api/v1/projects/demand/models/eta/instances",
                "{\"artifact\":{\"sha256\":\"" + json(blob).get("sha256").asText() + "\",\"format\":\"opaque\",\"packaging\":\"zip\"}}");
        assertError(instance, 400, "UNSAFE_ARCHIVE", "artifact");
        assertThat(json(instance).get("message").asText()).contains("limits.archive.maxCompressionRatio")
                .doesNotContain(home.toString());
        assertThat(json(get("/api/v1/projects/demand/models/eta/instances")).get("items")).isEmpty();
    }

    @Test
    void refusesASparkSaveWhoseStageLeavesTheModelAtUpload() throws Exception {
        Path model = home.resolve("escaping-model");
        copyTree(io.carrara.serving.runtime.GoldenModels.model(io.carrara.serving.runtime.GoldenModels.TRIPS_LR), model);
        Path metadata;
        try (var parts = Files.list(model.resolve("metadata"))) {
            metadata = parts.filter(part -> part.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
        String original = Files.readString(metadata);
        JsonNode parsed = JSON.readTree(original);
        String firstStage = parsed.get("paramMap").get("stageUids").get(0).asText();
        Files.writeString(metadata, original.replace("\"" + firstStage + "\"", "\"../../" + firstStage + "\""));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        io.carrara.spi.archive.ModelArchive.pack(model, zip);
        HttpResponse<String> blob = send(HttpRequest.newBuilder(uri("/api/v1/blobs")).header("Content-Type", "application/zip")
                .POST(BodyPublishers.ofByteArray(zip.toByteArray())));
        assertThat(blob.statusCode()).as(blob.body()).isEqualTo(201);

        HttpResponse<String> instance = post("/api/v1/projects/demand/models/eta/instances", "{\"artifact\":{\"sha256\":\""
                + json(blob).get("sha256").asText() + "\",\"format\":\"spark-pipeline\",\"packaging\":\"zip\"}}");
        assertError(instance, 400, "MODEL_UNREADABLE", "artifact");
        assertThat(json(instance).get("message").asText()).contains("stage 0").contains("leaves the model directory")
                .doesNotContain(home.toString());
        assertThat(json(get("/api/v1/projects/demand/models/eta/instances")).get("items")).isEmpty();
        try (var leftovers = Files.list(home.resolve("tmp"))) {
            assertThat(leftovers).as("the checked copy is removed").isEmpty();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    @Test
    void servesMetricsReferenceAndHealth() throws Exception {
        get("/api/v1/health");
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("carrara_http_requests").contains("jvm_memory_used_bytes");

        HttpResponse<String> reference = get("/docs/api");
        assertThat(reference.statusCode()).isEqualTo(200);
        assertThat(reference.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(reference.body()).contains("<table>").contains("/api/v1/search");

        HttpResponse<String> health = get("/api/v1/health");
        assertThat(json(health).get("status").asText()).isEqualTo("ok");
    }

    private void assertError(HttpResponse<String> response, int status, String code, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
        // The code's identity on the wire is the catalog's: its number and its type, whose status this is.
        io.carrara.spi.error.ErrorCode known = java.util.ServiceLoader.load(io.carrara.spi.error.ErrorCatalog.class).stream()
                .flatMap(catalog -> catalog.get().codes().stream()).filter(candidate -> candidate.name().equals(code))
                .findFirst().orElseThrow();
        assertThat(body.get("number").asInt()).as(response.body()).isEqualTo(known.code());
        assertThat(body.get("type").asText()).as(response.body()).isEqualTo(known.type().name());
        assertThat(known.type().httpStatus()).isEqualTo(status);
        assertThat(body.get("message").asText()).isNotBlank().doesNotContain("\tat ");
        if (field != null) {
            assertThat(body.get("field").asText()).as(response.body()).isEqualTo(field);
        }
    }

    private URI uri(String path) {
        return server.uri().resolve(path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
