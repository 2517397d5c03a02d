package io.carrara.spi.blob;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 helpers shared by blob stores and clients. */
public final class BlobDigests {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private BlobDigests() {}

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Checks that {@code value} is 64 lower-case hex digits, so it is safe to use in a path or key. */
    public static String checkSha256(String value) {
        if (value == null || !SHA256.matcher(value).matches()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "'" + value + "' is not a SHA-256: expected 64 lower-case hex digits", "sha256");
        }
        return value;
    }
}
