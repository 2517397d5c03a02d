package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the {@link ServingEngine}.
 *
 * @param loadMode {@link LoadMode#EAGER} loads a deployment's instances when it is deployed (and at
 *     start), so the first request is fast and readiness means loaded; {@link LoadMode#LAZY} loads an
 *     instance on its first request (default EAGER)
 * @param logQueueCapacity predictions waiting for the prediction log's writer before new ones are
 *     dropped (default 10,000)
 * @param logBatchSize predictions handed to the sink at a time (default 500)
 * @param logLinger how long the log's writer waits for a batch to fill once it holds a prediction (default 100 ms)
 */
public record ServingEngineConfig(LoadMode loadMode, int logQueueCapacity, int logBatchSize, Duration logLinger) {
    public enum LoadMode { EAGER, LAZY }

    public static final ServingEngineConfig DEFAULTS = new ServingEngineConfig(LoadMode.EAGER, 10_000, 500, Duration.ofMillis(100));

    public ServingEngineConfig {
        requireNonNull(loadMode, "loadMode is null");
        if (logQueueCapacity < 1) {
            throw new IllegalArgumentException("logQueueCapacity is not positive: " + logQueueCapacity);
        }
        if (logBatchSize < 1) {
            throw new IllegalArgumentException("logBatchSize is not positive: " + logBatchSize);
        }
        if (requireNonNull(logLinger, "logLinger is null").isNegative()) {
            throw new IllegalArgumentException("logLinger is negative: " + logLinger);
        }
    }

    public ServingEngineConfig withLoadMode(LoadMode mode) {
        return new ServingEngineConfig(mode, logQueueCapacity, logBatchSize, logLinger);
    }
}
