package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.api.registry.NewInstance;
import io.carrara.api.registry.NewProvenance;
import io.carrara.api.registry.Packaging;
import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.model.ArtifactFormat;
import java.util.Map;

/**
 * The metadata of a new instance whose artifact is already stored as a blob. Most callers use
 * {@link InstancesClient#upload} instead, which stores the blob first and then sends this.
 * {@code provenance} may be null: the request then carries none, and the server records only its own.
 */
public record InstanceDefinition(
        String sha256,
        ArtifactFormat format,
        Packaging packaging,
        Map<String, String> metadata,
        NewProvenance provenance) {
    public InstanceDefinition {
        BlobDigests.checkSha256(sha256);
        requireNonNull(format, "format is null");
        requireNonNull(packaging, "packaging is null");
        metadata = Copies.map(metadata);
    }

    /** The body of {@code POST …/instances}. */
    public NewInstance toRequest() {
        return new NewInstance(new NewInstance.ArtifactSpec(sha256, format.wireName(), packaging.wireName()), metadata,
                provenance);
    }
}
