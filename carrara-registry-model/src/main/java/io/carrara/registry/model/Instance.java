package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One trained, immutable version of a model. {@code dependencies} is the snapshot of which
 * upstream instance (by upstream model, {@code project/model}) it was built against; {@code reason}
 * is {@code upload} or {@code dependency-update}; {@code provenance} says where it comes from.
 */
public record Instance(
        UUID id,
        ModelRef model,
        int version,
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
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(artifact, "artifact is null");
        metadata = SortedMaps.copyOf(metadata);
        requireNonNull(provenance, "provenance is null");
        dependencies = SortedMaps.copyOf(dependencies);
    }
}
