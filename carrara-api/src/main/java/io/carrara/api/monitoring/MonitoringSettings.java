package io.carrara.api.monitoring;

import java.time.Instant;
import java.util.List;

/**
 * How a deployment is monitored: what it predicts ({@code task}: {@code classification} or {@code regression}), the
 * thresholds a window's metric must not cross ({@code alerts}: crossing one raises an alert to the project's alert
 * webhooks), the input field its outcomes may be keyed by ({@code outcomeKey}, null when outcomes name their prediction
 * id) with how long before its outcome a prediction may have been made ({@code lookback}, such as {@code 14d}), and the
 * window sizes computed ({@code windows}, longest first: the first one's metrics carry their plain names).
 */
public record MonitoringSettings(String deployment, String task, List<String> alerts, String outcomeKey, String lookback,
        List<String> windows, Instant updatedAt, String updatedBy) {}
