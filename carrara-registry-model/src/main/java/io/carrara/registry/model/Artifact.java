package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.model.ArtifactFormat;

/** An instance's model files: a content-addressed blob plus what it holds and how it is packed. */
public record Artifact(String sha256, long size, ArtifactFormat format, ArtifactPackaging packaging, String uri) {
    public Artifact {
        BlobDigests.checkSha256(sha256);
        requireNonNull(format, "format is null");
        requireNonNull(packaging, "packaging is null");
        requireNonNull(uri, "uri is null");
    }
}
