package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

/**
 * The stored bytes of an instance: content address (SHA-256), size, format ({@code spark-pipeline},
 * {@code python}, {@code opaque}, or one a newer server knows), packaging and where the blob lives.
 */
public record Artifact(String sha256, long size, String format, Packaging packaging, String uri) {
    public Artifact {
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(format, "format is null");
        packaging = packaging == null ? Packaging.FILE : packaging;
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }
}
