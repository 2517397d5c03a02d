package io.carrara.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A recorded measurement of an instance: either a number ({@code value}) or structured JSON ({@code data}). */
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
        requireNonNull(recordedAt, "recordedAt is null");
        // JSON null for "data" arrives as a NullNode; treat it like an absent field.
        data = data == null || data.isNull() ? null : data;
        metadata = Copies.map(metadata);
    }
}
