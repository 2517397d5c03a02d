package io.carrara.spi.blob;

import static java.util.Objects.requireNonNull;

/** A blob at its content address: lower-case hex SHA-256, size in bytes, and where it lives. */
public record StoredBlob(String sha256, long size, String uri) {
    public StoredBlob {
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(uri, "uri is null");
        BlobDigests.checkSha256(sha256);
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }
}
