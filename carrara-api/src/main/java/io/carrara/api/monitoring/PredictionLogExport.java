package io.carrara.api.monitoring;

import java.util.Map;

/** What {@code POST /api/v1/deployments/{name}/monitoring/export} wrote: the table and the rows of each date. */
public record PredictionLogExport(String deployment, String table, Map<String, Long> rowsByDate) {}
