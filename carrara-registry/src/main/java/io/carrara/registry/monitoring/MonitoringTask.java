package io.carrara.registry.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * What a monitored deployment predicts, which decides the outcomes it takes and the quality computed from them: a binary
 * classification takes 0 or 1 (or true/false) and is scored with accuracy, AUC and the like; a regression takes a finite
 * number and is scored with RMSE, MAE and the like.
 */
public enum MonitoringTask {
    CLASSIFICATION,
    REGRESSION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MonitoringTask> fromWireName(String name) {
        for (MonitoringTask task : values()) {
            if (task.wireName().equals(name)) {
                return Optional.of(task);
            }
        }
        return Optional.empty();
    }

    /**
     * The outcome as stored (text: {@code 0}/{@code 1} for a class, the number for a regression), or empty with
     * {@code problem[0]} saying why this task does not take it.
     */
    Optional<String> normalize(JsonNode outcome, String[] problem) {
        if (outcome == null || outcome.isNull() || outcome.isMissingNode()) {
            problem[0] = "is missing: give the observed " + (this == CLASSIFICATION ? "class (0 or 1)" : "value (a number)");
            return Optional.empty();
        }
        if (this == CLASSIFICATION) {
            if (outcome.isBoolean()) {
                return Optional.of(outcome.booleanValue() ? "1" : "0");
            }
            if (outcome.isNumber() && (outcome.asDouble() == 0.0 || outcome.asDouble() == 1.0)) {
                return Optional.of(outcome.asDouble() == 1.0 ? "1" : "0");
            }
            problem[0] = "must be 0 or 1 (or false/true) for a classification deployment, not " + shown(outcome);
            return Optional.empty();
        }
        if (outcome.isNumber() && Double.isFinite(outcome.asDouble())) {
            return Optional.of(Double.toString(outcome.asDouble()));
        }
        problem[0] = "must be a finite number for a regression deployment, not " + shown(outcome)
                + (outcome.isTextual() || outcome.isBoolean() ? " (a class: is the deployment's task classification?)" : "");
        return Optional.empty();
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
