package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.model.ArtifactFormat;

/** The stored bytes of an instance: content address, size, format, packaging and where the blob lives. */
public record Artifact(String sha256, long size, ArtifactFormat format, Packaging packaging, String uri) {
    public Artifact {
        BlobDigests.checkSha256(sha256);
        requireNonNull(format, "format is null");
        packaging = packaging == null ? Packaging.FILE : packaging;
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }
}
