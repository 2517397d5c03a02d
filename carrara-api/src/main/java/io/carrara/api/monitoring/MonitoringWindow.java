package io.carrara.api.monitoring;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One window's quality of one instance of a deployment, as last computed: metric name to value ({@code rows} included). */
public record MonitoringWindow(UUID instance, String window, Instant windowStart, Instant windowEnd, Map<String, Double> metrics,
        Instant computedAt) {}
