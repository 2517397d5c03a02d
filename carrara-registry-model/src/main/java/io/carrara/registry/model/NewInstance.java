package io.carrara.registry.model;

import static io.carrara.registry.model.FieldChecks.MAX_METADATA_VALUE;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import java.util.Map;

/**
 * A request to create an instance from an artifact already in the blob store (blob first).
 * {@code artifact} is required; {@code metadata} and {@code provenance} may be null (empty).
 * {@code provenance} is what the client says (a file name, itself, the training, anything else, in
 * format 2 or as a format-1 flat map); who uploaded when, the server's runtime and propagation are
 * the server's to record, and a request that sets them is refused, naming the field.
 */
public record NewInstance(ArtifactSpec artifact, Map<String, String> metadata, Provenance provenance) {
    public NewInstance {
        if (artifact == null) {
            throw new CarraraException(INVALID_ARGUMENT, "artifact is required: upload the blob first, then pass its sha256",
                    "artifact");
        }
        metadata = FieldChecks.checkMap(metadata, "metadata", MAX_METADATA_VALUE);
        provenance = provenance == null ? Provenance.empty() : provenance;
        refuseServerField(provenance.uploader() != null, "uploader");
        refuseServerField(provenance.uploadedAt() != null, "uploadedAt");
        refuseServerField(!provenance.server().isEmpty(), "server");
        refuseServerField(provenance.propagatedFrom() != null, "propagatedFrom");
        refuseServerField(provenance.propagatedAt() != null, "propagatedAt");
    }

    private static void refuseServerField(boolean present, String name) {
        if (present) {
            throw new CarraraException(INVALID_ARGUMENT, "provenance." + name
                    + " is recorded by the server; leave it out (a client may send fileName, client, training and extra)",
                    "provenance." + name);
        }
    }

    /**
     * Which blob holds the artifact and what it is: a SHA-256 (64 lower-case hex digits), a format
     * ({@code spark-pipeline}, {@code python} or {@code opaque}) and a packaging ({@code file}, the
     * default when null, or {@code zip}).
     */
    public record ArtifactSpec(String sha256, String format, String packaging) {
        public ArtifactSpec {
            if (sha256 == null) {
                throw new CarraraException(INVALID_ARGUMENT, "artifact.sha256 is required", "artifact.sha256");
            }
            try {
                BlobDigests.checkSha256(sha256);
            } catch (CarraraException e) {
                throw new CarraraException(INVALID_ARGUMENT, e.getMessage(), "artifact.sha256");
            }
            if (format == null) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "artifact.format is required: spark-pipeline, python or opaque", "artifact.format");
            }
            ArtifactFormat.fromWireName(format);
            packaging = packaging == null ? ArtifactPackaging.FILE.wireName() : ArtifactPackaging.fromWireName(packaging).wireName();
        }

        public ArtifactFormat artifactFormat() {
            return ArtifactFormat.fromWireName(format);
        }

        public ArtifactPackaging artifactPackaging() {
            return ArtifactPackaging.fromWireName(packaging);
        }
    }
}
