package io.carrara.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One observed outcome, as {@code POST /api/v1/deployments/{name}/outcomes} takes a list of them: the id the prediction
 * was answered with, or for a deployment with an outcome key the key's value ({@code key}), the outcome (0/1 or
 * true/false for a classification, a number for a regression), and when it was observed (ISO-8601 with offset; absent:
 * when it is received).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewOutcome(String predictionId, String key, Object outcome, String observedAt) {
    /** An outcome of the prediction answered with {@code predictionId}. */
    public NewOutcome(String predictionId, Object outcome, String observedAt) {
        this(predictionId, null, outcome, observedAt);
    }

    /** An outcome of the latest prediction whose outcome key is {@code key}. */
    public static NewOutcome keyed(String key, Object outcome, String observedAt) {
        return new NewOutcome(null, key, outcome, observedAt);
    }
}
