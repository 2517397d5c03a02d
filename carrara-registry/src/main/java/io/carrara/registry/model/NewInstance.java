package io.carrara.registry.model;

import java.util.Map;

/**
 * A request to create an instance from an artifact already in the blob store (blob first).
 * {@code artifact.packaging} defaults to {@code file}.
 */
public record NewInstance(ArtifactSpec artifact, Map<String, String> metadata, Map<String, String> provenance) {

    /** Which blob holds the artifact and what it is. */
    public record ArtifactSpec(String sha256, String format, String packaging) {}
}
