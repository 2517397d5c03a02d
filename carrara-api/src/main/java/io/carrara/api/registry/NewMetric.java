package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/instances/{id}/metrics}: exactly one of {@code value} (a finite
 * number) and {@code data} (any JSON); an absent {@code scope} is the server's default.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewMetric(String name, String scope, Double value, Object data, Map<String, String> metadata) {}
