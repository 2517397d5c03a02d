package io.carrara.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A request to record a metric: exactly one of {@code value} (a finite number) and {@code data} (any JSON). */
public record NewMetric(String name, String scope, Double value, JsonNode data, Map<String, String> metadata) {}
