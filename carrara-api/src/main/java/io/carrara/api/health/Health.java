package io.carrara.api.health;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The server's answer to a health check, e.g. {@code ok} and {@code 0.1.0}, with its stores
 * {@code up} or {@code down} ({@code degraded}: the feature store is down; {@code unavailable}: the
 * registry database is).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Health(HealthStatus status, String version, String database, String features) {
    public Health {
        requireNonNull(status, "status is null");
    }
}
