package io.carrara.registry.blob;

import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static io.carrara.spi.error.StandardErrorCode.UNAVAILABLE;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.blob.VerifyingInputStream;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects in an S3 (or S3-compatible) bucket, for servers that share one store:
 * {@code s3://<bucket>/<prefix>/sha256/ab/cd/abcd…}. An upload is spooled to a local temporary
 * file first, because the key is the content's hash and S3 wants the length up front; so the
 * server needs local disk for the largest artifact it accepts.
 */
public final class S3BlobStore implements BlobStore {
    /** The name prefix of the files an upload is spooled in. */
    public static final String SPOOL_PREFIX = "s3-upload-";
    private static final Pattern ADDRESS = Pattern.compile("([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})");

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final String keyPrefix;
    private final String endpoint;
    private final Path spool;

    /** Connects to the bucket, creating it if it is missing and the configuration allows; spools uploads in the JVM's temporary directory. */
    public S3BlobStore(S3BlobStoreConfig config) {
        this(config, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * As {@link #S3BlobStore(S3BlobStoreConfig)}, spooling uploads as {@code s3-upload-*.tmp} files in
     * {@code spool} (the server's home, whose leftovers after a crash it removes at start).
     */
    public S3BlobStore(S3BlobStoreConfig config, Path spool) {
        requireNonNull(config, "config is null");
        this.spool = requireNonNull(spool, "spool is null");
        this.bucket = config.bucket();
        this.prefix = config.prefix();
        this.keyPrefix = prefix.isEmpty() ? "sha256/" : prefix + "/sha256/";
        this.endpoint = config.endpoint() == null ? "AWS S3 in " + config.region() : config.endpoint().toString();
        this.client = newClient(config);
        try {
            checkBucket(config);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public StoredBlob put(InputStream content, long maxBytes) throws IOException {
        requireNonNull(content, "content is null");
        Files.createDirectories(this.spool);
        Path spool = Files.createTempFile(this.spool, SPOOL_PREFIX, ".tmp");
        try {
            HashedContent hashed;
            try (OutputStream out = Files.newOutputStream(spool)) {
                hashed = HashedContent.copy(content, out, maxBytes);
            }
            String key = keyOf(hashed.sha256());
            // Content-addressed: an object of the right size at this key already holds these bytes
            // (reads verify them), so the upload can be skipped.
            Optional<Long> storedSize = head(key).map(HeadObjectResponse::contentLength);
            if (storedSize.isEmpty() || storedSize.get() != hashed.size()) {
                try {
                    client.putObject(request -> request.bucket(bucket).key(key).contentLength(hashed.size())
                            .contentType("application/octet-stream"), RequestBody.fromFile(spool));
                } catch (SdkException e) {
                    throw unavailable("upload of " + hashed.sha256(), e);
                }
            }
            return new StoredBlob(hashed.sha256(), hashed.size(), uriOf(key));
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    @Override
    public Optional<StoredBlob> stat(String sha256) {
        String key = keyOf(BlobDigests.checkSha256(sha256));
        return head(key).map(head -> new StoredBlob(sha256, head.contentLength(), uriOf(key)));
    }

    @Override
    public InputStream open(String sha256) {
        String key = keyOf(BlobDigests.checkSha256(sha256));
        try {
            return new VerifyingInputStream(client.getObject(request -> request.bucket(bucket).key(key)), sha256);
        } catch (NoSuchKeyException e) {
            throw notFound(sha256);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw notFound(sha256);
            }
            throw unavailable("read of " + sha256, e);
        } catch (SdkException e) {
            throw unavailable("read of " + sha256, e);
        }
    }

    @Override
    public boolean delete(String sha256) {
        String key = keyOf(BlobDigests.checkSha256(sha256));
        // S3 deletes succeed whether or not the object existed; ask first to report which.
        if (head(key).isEmpty()) {
            return false;
        }
        try {
            client.deleteObject(request -> request.bucket(bucket).key(key));
            return true;
        } catch (SdkException e) {
            throw unavailable("delete of " + sha256, e);
        }
    }

    @Override
    public void forEach(Consumer<String> sha256Consumer) {
        requireNonNull(sha256Consumer, "sha256Consumer is null");
        try {
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(keyPrefix))
                    .contents()) {
                var address = ADDRESS.matcher(object.key().substring(keyPrefix.length()));
                // Only objects at their own address count; anything else under the prefix is not ours.
                if (address.matches() && address.group(3).startsWith(address.group(1) + address.group(2))) {
                    sha256Consumer.accept(address.group(3));
                }
            }
        } catch (SdkException e) {
            throw unavailable("listing", e);
        }
    }

    @Override
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "S3BlobStore[" + location() + " at " + endpoint + "]";
    }

    // The build pins apache-client, whose ApacheHttpClient the SDK now deprecates in favour of
    // apache5-client. s3 brings apache5-client as well, so naming the client here is what decides
    // which of the two is used, rather than the SDK's own preference order.
    @SuppressWarnings("deprecation")
    private static S3Client newClient(S3BlobStoreConfig config) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle());
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        // Without explicit credentials the SDK's default chain applies (environment, profile, role).
        if (config.accessKeyId() != null) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())));
        }
        return builder.build();
    }

    private void checkBucket(S3BlobStoreConfig config) {
        try {
            client.headBucket(request -> request.bucket(bucket));
            return;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw unavailable("check of bucket " + bucket, e);
            }
        } catch (SdkException e) {
            throw unavailable("check of bucket " + bucket, e);
        }
        if (!config.createBucketIfMissing()) {
            throw new CarraraException(UNAVAILABLE,
                    "bucket '" + bucket + "' does not exist at " + endpoint + "; create it, fix the bucket name or"
                            + " region, or set createBucketIfMissing to let Carrara create it",
                    "bucket");
        }
        try {
            client.createBucket(request -> {
                request.bucket(bucket);
                // us-east-1 is the default location and S3 refuses it as an explicit constraint.
                if (!config.region().equals("us-east-1")) {
                    request.createBucketConfiguration(bucketConfig -> bucketConfig.locationConstraint(config.region()));
                }
            });
        } catch (BucketAlreadyOwnedByYouException e) {
            // Another server created it at the same time.
        } catch (SdkException e) {
            throw unavailable("creation of bucket " + bucket, e);
        }
    }

    private Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(client.headObject(request -> request.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw unavailable("lookup of " + key, e);
        } catch (SdkException e) {
            throw unavailable("lookup of " + key, e);
        }
    }

    private String keyOf(String sha256) {
        return keyPrefix + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256;
    }

    private String uriOf(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private CarraraException notFound(String sha256) {
        return new CarraraException(NOT_FOUND,
                "blob " + sha256 + " is not in " + location() + "; upload the artifact again, or check that the"
                        + " server uses the blob store it was uploaded to",
                "sha256");
    }

    private CarraraException unavailable(String action, SdkException e) {
        String next;
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            if (status == 401 || status == 403) {
                next = "S3 refused the credentials: check the access key, the secret and the bucket's policy";
            } else if (status == 301 || status == 307) {
                next = "the bucket is in another region: check the configured region";
            } else if (status == 404) {
                next = "the bucket is gone: check the bucket name, or create it again";
            } else {
                next = "S3 answered HTTP " + status + ": check the service's health and try again";
            }
        } else if (String.valueOf(e.getMessage()).contains("credentials")) {
            next = "no credentials were found: set accessKeyId and secretAccessKey, or provide them through the"
                    + " AWS environment variables, profile or instance role";
        } else {
            next = "S3 could not be reached: check the endpoint, the network and that the service is running";
        }
        return new CarraraException(UNAVAILABLE,
                "S3 " + action + " in " + location() + " at " + endpoint + " failed (" + e.getMessage() + "); " + next,
                null, e);
    }
}
