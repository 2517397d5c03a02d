package io.carrara.registry.blob;

import static io.carrara.spi.error.StandardErrorCode.PAYLOAD_TOO_LARGE;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/** The SHA-256 and size of content copied on its way into a blob store. */
record HashedContent(String sha256, long size) {
    HashedContent {
        BlobDigests.checkSha256(sha256);
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    /**
     * Copies {@code content} to {@code out}, hashing and counting it. Fails with
     * {@code PAYLOAD_TOO_LARGE} as soon as more than {@code maxBytes} arrive, having read at most
     * one buffer beyond the limit, so an oversized upload is cut short rather than read to its end.
     */
    static HashedContent copy(InputStream content, OutputStream out, long maxBytes) throws IOException {
        requireNonNull(content, "content is null");
        requireNonNull(out, "out is null");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes is negative: " + maxBytes);
        }
        MessageDigest digest = BlobDigests.newSha256();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int read = content.read(buffer); read >= 0; read = content.read(buffer)) {
            size += read;
            if (size > maxBytes) {
                throw new CarraraException(PAYLOAD_TOO_LARGE,
                        "the artifact is larger than the limit of " + maxBytes + " bytes; raise the server's"
                                + " maximum artifact size or upload a smaller artifact",
                        "artifact");
            }
            digest.update(buffer, 0, read);
            out.write(buffer, 0, read);
        }
        return new HashedContent(BlobDigests.hex(digest.digest()), size);
    }
}
