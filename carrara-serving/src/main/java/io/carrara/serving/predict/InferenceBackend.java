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

    /**
     * Whether {@link #predict} for this deployment can neither block nor wait right now: its models
     * are loaded and it looks up no features. A protocol layer may then score on the thread that
     * read the request (an event loop) instead of handing it to a blocking pool and back. False when
     * unsure; the default.
     */
    default boolean predictsWithoutBlocking(String name) {
        return false;
    }
}
