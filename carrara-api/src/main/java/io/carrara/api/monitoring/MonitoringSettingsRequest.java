package io.carrara.api.monitoring;

/** The body of {@code PUT /api/v1/deployments/{name}/monitoring/settings}. */
public record MonitoringSettingsRequest(String task) {}
