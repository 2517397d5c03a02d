package io.carrara.server.oip;

import io.carrara.server.TestHttp;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import io.carrara.spi.schema.SchemaText;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestModels;
import io.carrara.serving.engine.ModelCache;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A Carrara server on a free port with golden Spark pipelines uploaded to its registry and deployed
 * through its REST API, each declaring its inputs (Spark's input schema) as {@code inputSchema}
 * metadata, so the Open Inference Protocol is served by the real serving engine:
 * {@code trips} (logistic regression over the trips data, with a skip stage) and {@code bare} (a bare
 * LogisticRegressionModel, whose input vector's size only the request gives, so a wrong size reaches
 * the pipeline and fails the row).
 */
final class OpenInferenceTestServer implements AutoCloseable {
    private static final HttpClient HTTP = TestHttp.client();

    final CarraraServer server;
    final UUID trips;
    final UUID bare;

    OpenInferenceTestServer(Path home) {
        server = CarraraServer.start(ServerConfig.embedded(home, 0).withAuth(ServerConfig.Auth.OFF));
        try {
            trips = upload("trips", zipOf(GoldenRows.GOLDEN.resolve("trips-logistic-regression/model")),
                    SchemaText.format(GoldenRows.inputSchema("trips-logistic-regression")));
            bare = upload("bare", zipOf(GoldenRows.GOLDEN.resolve("bare-logistic-regression/model")),
                    SchemaText.format(undeclared(GoldenRows.inputSchema("bare-logistic-regression"))));
            deploy("trips", trips);
            deploy("bare", bare);
            awaitLoaded("trips");
            awaitLoaded("bare");
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * Serves {@code name} on an instance whose artifact is a zip of a Spark pipeline whose metadata is
     * not JSON, and waits until its load has failed. A deploy through the API refuses such an instance,
     * so the deployment is written to the registry directly and handed to the engine, as one committed
     * by another server, or before its artifact went bad, reaches a server.
     */
    UUID deployBroken(String name) {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("metadata/part-00000"));
            out.write("{not json".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Uploaded past the server's checks, as before they existed: an upload today refuses such a save.
        UUID id = TestModels.uploadUnchecked(server, new ModelRef("oip", name), zip.toByteArray(), Map.of()).id();
        server.engine().deploymentChanged(server.deployments()
                .deploy(io.carrara.registry.deploy.NewDeployment.pinned(name, id), "tests").deployment());
        awaitLoaded(name);
        return id;
    }

    void undeploy(String name) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/deployments/" + name)).DELETE());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("undeploy " + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    URI uri(String path) {
        return server.uri().resolve(path);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Uploads {@code zip} as an instance of {@code oip/<model>} declaring {@code inputSchema} (none when blank). */
    private UUID upload(String model, byte[] zip, String inputSchema) {
        return TestModels.uploadZip(server.registry(), new ModelRef("oip", model), zip,
                inputSchema.isBlank() ? Map.of() : Map.of(ModelCache.INPUT_SCHEMA, inputSchema)).id();
    }

    private void deploy(String name, UUID instance) {
        String body = "{\"name\":\"" + name + "\",\"model\":\"oip/" + name + "\",\"instance\":\"" + instance + "\"}";
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/deployments"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("deploy " + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Waits until the engine has loaded, or failed to load, the deployment's instance. */
    private void awaitLoaded(String name) {
        for (int attempt = 0; attempt < 400; attempt++) {
            var status = server.engine().status(name);
            if (status.ready() || status.reason().filter(reason -> !reason.contains("loading")).isPresent()) {
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " did not load: " + server.engine().status(name));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).header("X-Carrara-User", "tests").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Schema undeclared(Schema schema) {
        return new Schema(schema.fields().stream().map(field -> new Field(field.name(), field.type())).toList());
    }

    private static byte[] zipOf(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("no golden model at " + directory);
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try {
            ModelArchive.pack(directory, zip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zip.toByteArray();
    }
}
