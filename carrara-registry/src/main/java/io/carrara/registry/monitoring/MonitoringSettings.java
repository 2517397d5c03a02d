package io.carrara.registry.monitoring;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * How a deployment is monitored: what it predicts ({@code task}), the thresholds whose crossing by a window raises an
 * alert, and who said so when.
 */
public record MonitoringSettings(String deployment, MonitoringTask task, java.util.List<Threshold> alerts, Instant updatedAt,
        String updatedBy) {
    public MonitoringSettings {
        alerts = java.util.List.copyOf(requireNonNull(alerts, "alerts is null"));
        requireNonNull(deployment, "deployment is null");
        requireNonNull(task, "task is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(updatedBy, "updatedBy is null");
    }
}
