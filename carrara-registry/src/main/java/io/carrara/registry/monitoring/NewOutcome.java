package io.carrara.registry.monitoring;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One observed outcome as a client sends it: the id of the prediction it belongs to (as the prediction endpoint answered
 * it) or, for a deployment with an outcome key, the key's value ({@code key}, e.g. a trip id), the outcome (a class or a
 * value), and when it was observed (null: when it is received). Checked by {@link MonitoringStore#loadOutcomes}, which
 * refuses a bad row alone, naming it.
 */
public record NewOutcome(String predictionId, String key, JsonNode outcome, String observedAt) {
    /** An outcome of the prediction answered with {@code predictionId}. */
    public NewOutcome(String predictionId, JsonNode outcome, String observedAt) {
        this(predictionId, null, outcome, observedAt);
    }

    /** An outcome of the latest prediction whose input's outcome key is {@code key}. */
    public static NewOutcome keyed(String key, JsonNode outcome, String observedAt) {
        return new NewOutcome(null, key, outcome, observedAt);
    }
}
