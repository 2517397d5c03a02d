package io.carrara.api.monitoring;

/**
 * What {@code POST /api/v1/deployments/{name}/monitoring/compute} did: the windows it recorded (quality and drift counted
 * apart) from the log rows it read.
 */
public record MonitoringComputation(String deployment, String table, String from, String to, int windows, long rows) {}
