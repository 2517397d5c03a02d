package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A recorded measurement of an instance: a number ({@code value}) or structured JSON ({@code data}:
 * maps, lists, strings, numbers and booleans as Jackson reads any JSON). {@code scope} is
 * {@code training}, {@code validation} or {@code production}.
 */
public record Metric(
        long id,
        UUID instance,
        String name,
        String scope,
        Double value,
        Object data,
        Map<String, String> metadata,
        Instant recordedAt,
        String recordedBy) {
    public Metric {
        requireNonNull(instance, "instance is null");
        requireNonNull(name, "name is null");
        requireNonNull(recordedAt, "recordedAt is null");
        metadata = WireCopies.map(metadata);
    }
}
