package io.carrara.api.monitoring;

import java.time.Instant;
import java.util.List;

/**
 * How a deployment is monitored: what it predicts ({@code task}: {@code classification} or {@code regression}) and the
 * thresholds a window's metric must not cross ({@code alerts}: crossing one raises an alert to the project's alert
 * webhooks).
 */
public record MonitoringSettings(String deployment, String task, List<String> alerts, Instant updatedAt, String updatedBy) {}
