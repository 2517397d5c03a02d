package io.carrara.server.config;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.blob.S3BlobStore;
import io.carrara.registry.blob.S3BlobStoreConfig;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.error.CarraraException;
import java.net.URI;
import java.nio.file.Path;

/** Which blob store holds artifacts: a local directory (default, under the home) or S3. */
public record BlobStoreConfig(Path directory, S3BlobStoreConfig s3) {
    public BlobStoreConfig {
        if ((directory == null) == (s3 == null)) {
            throw new IllegalArgumentException("exactly one of directory and s3 must be set");
        }
    }

    public static BlobStoreConfig from(ServerSettings settings) {
        String type = settings.get("blobs.type");
        switch (type) {
            case "filesystem" -> {
                String path = settings.get("blobs.path");
                return new BlobStoreConfig(path.isEmpty() ? settings.home().resolve("blobs") : Path.of(path), null);
            }
            case "s3" -> {
                String bucket = settings.get("blobs.s3.bucket");
                if (bucket.isEmpty()) {
                    throw new CarraraException(INVALID_ARGUMENT, "blobs.s3.bucket is required when blobs.type is s3",
                            "blobs.s3.bucket");
                }
                String endpoint = settings.get("blobs.s3.endpoint");
                String accessKey = settings.get("blobs.s3.accessKeyId");
                String secretKey = settings.get("blobs.s3.secretAccessKey");
                return new BlobStoreConfig(null, new S3BlobStoreConfig(
                        bucket,
                        settings.get("blobs.s3.prefix"),
                        endpoint.isEmpty() ? null : URI.create(endpoint),
                        settings.get("blobs.s3.region"),
                        settings.getBoolean("blobs.s3.pathStyle"),
                        accessKey.isEmpty() ? null : accessKey,
                        secretKey.isEmpty() ? null : secretKey,
                        settings.getBoolean("blobs.s3.createBucket")));
            }
            default -> throw new CarraraException(INVALID_ARGUMENT,
                    "blobs.type must be filesystem or s3, not '" + type + "'", "blobs.type");
        }
    }

    /** The store; an S3 store spools uploads in {@code spool} (under the home, cleaned at start). */
    public BlobStore open(Path spool) {
        return directory != null ? new FileSystemBlobStore(directory) : new S3BlobStore(requireNonNull(s3, "s3 is null"), spool);
    }

    public String describe() {
        return directory != null ? directory.toUri().toString() : "s3://" + s3.bucket() + "/" + s3.prefix();
    }
}
