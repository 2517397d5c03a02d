package io.carrara.client;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One immutable version of a model. {@code dependencies} maps each upstream model's full name to
 * the upstream instance this one was built against; {@code previousInstance} and the
 * {@code deprecated*} fields other than {@code deprecated} may be null. {@code provenance} is the
 * server's provenance document (format 2: {@code fileName}, {@code client}, {@code server},
 * {@code training}, ... as nested maps).
 */
public record Instance(
        UUID id,
        String model,
        long version,
        Instant createdAt,
        String createdBy,
        String reason,
        UUID previousInstance,
        Artifact artifact,
        Map<String, String> metadata,
        Map<String, Object> provenance,
        Map<String, UUID> dependencies,
        boolean deprecated,
        String deprecatedReason,
        Instant deprecatedAt,
        String deprecatedBy) {
    public Instance {
        requireNonNull(id, "id is null");
        requireNonNull(model, "model is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(artifact, "artifact is null");
        metadata = Copies.map(metadata);
        provenance = Copies.map(provenance);
        dependencies = Copies.map(dependencies);
    }
}
