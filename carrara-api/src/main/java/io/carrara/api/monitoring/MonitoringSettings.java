package io.carrara.api.monitoring;

import java.time.Instant;

/** How a deployment is monitored: what it predicts ({@code task}: {@code classification} or {@code regression}). */
public record MonitoringSettings(String deployment, String task, Instant updatedAt, String updatedBy) {}
