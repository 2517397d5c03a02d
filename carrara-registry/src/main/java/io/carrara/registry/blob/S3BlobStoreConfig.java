package io.carrara.registry.blob;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where and how {@link S3BlobStore} reaches its bucket. {@code endpoint} is null for AWS itself and
 * set for S3-compatible services (MinIO, Ceph, moto), which usually also need {@code pathStyle}.
 * Credentials are both null to use the AWS default chain (environment, profile, instance role), or
 * both set. {@code prefix} may be empty; blobs live under {@code <prefix>/sha256/}.
 *
 * <pre>{@code
 * new S3BlobStoreConfig("models", "carrara", URI.create("http://minio:9000"), "us-east-1", true,
 *         "access", "secret", false)
 * }</pre>
 */
public record S3BlobStoreConfig(
        String bucket,
        String prefix,
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKeyId,
        String secretAccessKey,
        boolean createBucketIfMissing) {

    // The rules S3 enforces for new buckets, checked here so a typo fails at start with a clear message.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3BlobStoreConfig {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(region, "region is null");
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw invalid("bucket", "bucket '" + bucket + "' is not a valid S3 bucket name: use 3 to 63"
                    + " lower-case letters, digits, '.' or '-', starting and ending with a letter or digit");
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            throw invalid("prefix", "prefix '" + prefix + "' must not start or end with '/' or contain"
                    + " '//': write 'carrara/blobs', or '' for the bucket's root");
        }
        if (region.isBlank()) {
            throw invalid("region", "region is blank: set the bucket's region, e.g. us-east-1");
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
            throw invalid("endpoint", "endpoint '" + endpoint + "' needs a scheme and a host,"
                    + " e.g. http://localhost:9000");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw invalid(accessKeyId == null ? "accessKeyId" : "secretAccessKey", "set both accessKeyId and"
                    + " secretAccessKey, or neither to use the AWS default credentials chain");
        }
    }

    private static CarraraException invalid(String field, String message) {
        return new CarraraException(INVALID_ARGUMENT, message, field);
    }

    /** Keeps the secret out of logs and error messages. */
    @Override
    public String toString() {
        return "S3BlobStoreConfig[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint
                + ", region=" + region + ", pathStyle=" + pathStyle + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + (secretAccessKey == null ? null : "****")
                + ", createBucketIfMissing=" + createBucketIfMissing + "]";
    }
}
