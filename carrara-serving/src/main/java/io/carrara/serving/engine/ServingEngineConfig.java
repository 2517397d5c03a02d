package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@link ServingEngine}.
 *
 * @param loadMode {@link LoadMode#EAGER} loads a deployment's instances when it is deployed (and at
 *     start), so the first request is fast and readiness means loaded; {@link LoadMode#LAZY} loads an
 *     instance on its first request (default EAGER)
 * @param logQueueCapacity predictions waiting for the prediction log's writer before new ones are
 *     dropped (default 10,000)
 * @param logBatchSize predictions handed to the sink at a time (default 500)
 */
public record ServingEngineConfig(LoadMode loadMode, int logQueueCapacity, int logBatchSize) {
    public enum LoadMode { EAGER, LAZY }

    public static final ServingEngineConfig DEFAULTS = new ServingEngineConfig(LoadMode.EAGER, 10_000, 500);

    public ServingEngineConfig {
        requireNonNull(loadMode, "loadMode is null");
        if (logQueueCapacity < 1) {
            throw new IllegalArgumentException("logQueueCapacity is not positive: " + logQueueCapacity);
        }
        if (logBatchSize < 1) {
            throw new IllegalArgumentException("logBatchSize is not positive: " + logBatchSize);
        }
    }

    public ServingEngineConfig withLoadMode(LoadMode mode) {
        return new ServingEngineConfig(mode, logQueueCapacity, logBatchSize);
    }
}
