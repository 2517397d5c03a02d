package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One recorded measurement of an instance: a number ({@code value}) or a JSON document ({@code data}). */
public record Metric(
        long id,
        UUID instance,
        String name,
        String scope,
        Double value,
        JsonNode data,
        Map<String, String> metadata,
        Instant recordedAt,
        String recordedBy) {
    public Metric {
        requireNonNull(instance, "instance is null");
        requireNonNull(name, "name is null");
        requireNonNull(scope, "scope is null");
        metadata = SortedMaps.copyOf(metadata);
        requireNonNull(recordedAt, "recordedAt is null");
        requireNonNull(recordedBy, "recordedBy is null");
    }
}
