package io.carrara.serving.predict;

import java.util.List;

/**
 * What the request path serves, whatever the protocol: the plain JSON rows endpoint, the Open
 * Inference Protocol over REST and gRPC. One implementation resolves deployments to loaded models;
 * protocol layers translate to and from it and add nothing of their own.
 */
public interface InferenceBackend {
    /** The server process is up. */
    boolean live();

    /** Every deployment that should be loaded is; a failed one makes the server not ready. */
    boolean ready();

    /** The deployments served, by name. */
    List<String> models();

    /** A deployment's readiness; throws a NOT_FOUND {@link io.carrara.spi.error.CarraraException} for an unknown name. */
    ModelStatus status(String name);

    /** Scores rows with the deployment; per-row failures are in the result, never thrown. */
    PredictionResult predict(String name, PredictionRequest request);
}
