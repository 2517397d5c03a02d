package io.carrara.api.alerts;

/** The body of {@code POST /api/v1/projects/{project}/alert-webhooks}: where to, and from which severity (default warning). */
public record NewAlertWebhook(String url, String minSeverity) {}
