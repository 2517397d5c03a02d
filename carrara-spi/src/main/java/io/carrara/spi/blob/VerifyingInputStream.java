package io.carrara.spi.blob;

import static io.carrara.spi.error.StandardErrorCode.BLOB_CORRUPTED;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what passes through and, on reaching the end, fails with {@code BLOB_CORRUPTED} if the
 * bytes do not match the expected SHA-256. A reader that stops early gets no verdict.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final String expectedSha256;
    private final MessageDigest digest = BlobDigests.newSha256();
    private boolean verified;

    public VerifyingInputStream(InputStream in, String expectedSha256) {
        super(requireNonNull(in, "in is null"));
        this.expectedSha256 = BlobDigests.checkSha256(expectedSha256);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            verify();
        } else {
            digest.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            verify();
        } else {
            digest.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be hashed, so read them instead.
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() {
        if (verified) {
            return;
        }
        verified = true;
        String actual = BlobDigests.hex(digest.digest());
        if (!actual.equals(expectedSha256)) {
            throw new CarraraException(BLOB_CORRUPTED,
                    "blob " + expectedSha256 + " is corrupted: its bytes hash to " + actual
                            + "; restore it from a backup or upload the artifact again");
        }
    }
}
