package io.carrara.server.oip;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A Carrara server on a free port serving, over the Open Inference Protocol, golden Spark
 * pipelines scored by {@link GoldenPipelineBackend}: {@code trips} (logistic regression over the
 * trips data, with a skip stage) and {@code bare} (a bare LogisticRegressionModel whose input
 * vector size is left undeclared, so a wrong size reaches the pipeline and fails the row).
 */
final class OpenInferenceTestServer implements AutoCloseable {
    static final UUID TRIPS = UUID.fromString("7f3c2a9e-0d51-4b8e-9a55-1c2b3d4e5f60");
    static final UUID BARE = UUID.fromString("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    static final UUID BROKEN = UUID.fromString("99999999-8888-4777-8666-555555555555");

    final GoldenPipelineBackend backend;
    final CarraraServer server;

    OpenInferenceTestServer(Path home) {
        backend = new GoldenPipelineBackend()
                .serve("trips", "trips-logistic-regression", TRIPS, false)
                .serve("bare", "bare-logistic-regression", BARE, true);
        server = CarraraServer.start(ServerConfig.embedded(home, 0), backend);
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
}
