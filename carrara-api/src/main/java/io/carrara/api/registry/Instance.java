package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One immutable version of a model ({@code project/model}). {@code dependencies} maps each upstream
 * model's full name to the upstream instance this one was built against; {@code reason} is
 * {@code upload} or {@code dependency-update}; {@code previousInstance} and the {@code deprecated*}
 * fields other than {@code deprecated} may be null.
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
        Provenance provenance,
        Map<String, UUID> dependencies,
        boolean deprecated,
        String deprecatedReason,
        Instant deprecatedAt,
        String deprecatedBy) {
    public static final String REASON_UPLOAD = "upload";
    public static final String REASON_DEPENDENCY_UPDATE = "dependency-update";

    public Instance {
        requireNonNull(id, "id is null");
        requireNonNull(model, "model is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(artifact, "artifact is null");
        metadata = WireCopies.map(metadata);
        provenance = provenance == null ? Provenance.fromVersion1(Map.of()) : provenance;
        dependencies = WireCopies.map(dependencies);
    }
}
