package io.carrara.api.monitoring;

/**
 * The body of {@code POST /api/v1/deployments/{name}/monitoring/export} and {@code …/monitoring/compute}: the prediction
 * log table ({@code ml.trips_log}) and the dates, from {@code from} to {@code to} inclusive (ISO dates, UTC; {@code to}
 * defaults to {@code from}; at most 31 days).
 */
public record MonitoringTableRequest(String table, String from, String to) {}
