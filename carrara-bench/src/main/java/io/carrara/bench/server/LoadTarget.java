package io.carrara.bench.server;

/**
 * One kind of prediction request against one deployment (REST rows, Open Inference REST, or gRPC
 * {@code ModelInfer}), with its bodies encoded once up front. {@link #send} never blocks: it hands
 * the request to the client's event loop and reports the outcome later, on a client thread.
 */
interface LoadTarget {
    /** What the tables call it, e.g. {@code REST /api/v1 predict}. */
    String label();

    /**
     * Sends request number {@code sequence} (the bodies are used in turn) and calls {@code completion}
     * once, with null for success (HTTP 200 or gRPC OK) or a short error kind such as {@code HTTP 503},
     * {@code timeout} or {@code gRPC INVALID_ARGUMENT}.
     */
    void send(long sequence, Completion completion);

    /**
     * Sends the first body, waits, and checks that a real prediction comes back; throws
     * {@link IllegalStateException} saying what came back instead. Run once before any load.
     */
    void verify();

    /** The outcome of one request. */
    @FunctionalInterface
    interface Completion {
        void completed(String error);
    }
}
