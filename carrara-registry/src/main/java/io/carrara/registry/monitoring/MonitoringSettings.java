package io.carrara.registry.monitoring;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** How a deployment is monitored: what it predicts ({@code task}), and who said so when. */
public record MonitoringSettings(String deployment, MonitoringTask task, Instant updatedAt, String updatedBy) {
    public MonitoringSettings {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(task, "task is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(updatedBy, "updatedBy is null");
    }
}
