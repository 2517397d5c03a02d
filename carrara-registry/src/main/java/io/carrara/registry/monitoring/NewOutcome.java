package io.carrara.registry.monitoring;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One observed outcome as a client sends it: the id of the prediction it belongs to (as the prediction endpoint answered
 * it), the outcome (a class or a value), and when it was observed (null: when it is received). Checked by
 * {@link MonitoringStore#loadOutcomes}, which refuses a bad row alone, naming it.
 */
public record NewOutcome(String predictionId, JsonNode outcome, String observedAt) {}
