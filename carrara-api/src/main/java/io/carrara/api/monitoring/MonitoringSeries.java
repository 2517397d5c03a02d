package io.carrara.api.monitoring;

import java.time.Instant;
import java.util.List;

/** A deployment's monitored windows between {@code from} and {@code to}, oldest first, as the UI charts them. */
public record MonitoringSeries(String deployment, String task, String window, Instant from, Instant to, List<MonitoringWindow> windows) {}
