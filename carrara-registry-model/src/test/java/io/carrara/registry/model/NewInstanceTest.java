package io.carrara.registry.model;

import static io.carrara.registry.model.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.model.NewInstance.ArtifactSpec;
import io.carrara.spi.model.ArtifactFormat;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NewInstanceTest {
    private static final String SHA = "a".repeat(64);
    private static final ArtifactSpec ARTIFACT = new ArtifactSpec(SHA, "opaque", null);

    @Test
    void packagingDefaultsToFileAndProvenanceToEmpty() {
        NewInstance instance = new NewInstance(ARTIFACT, null, null);

        assertThat(instance.artifact().artifactPackaging()).isEqualTo(ArtifactPackaging.FILE);
        assertThat(instance.artifact().artifactFormat()).isEqualTo(ArtifactFormat.OPAQUE);
        assertThat(instance.metadata()).isEmpty();
        assertThat(instance.provenance()).isEqualTo(Provenance.empty());
    }

    @Test
    void refusesABadArtifact() {
        assertRefused(() -> new NewInstance(null, null, null), "INVALID_ARGUMENT", "artifact", "artifact is required");
        assertRefused(() -> new ArtifactSpec(null, "opaque", null), "INVALID_ARGUMENT", "artifact.sha256",
                "artifact.sha256 is required");
        assertRefused(() -> new ArtifactSpec("ABC", "opaque", null), "INVALID_ARGUMENT", "artifact.sha256", "is not a SHA-256");
        assertRefused(() -> new ArtifactSpec(SHA, null, null), "INVALID_ARGUMENT", "artifact.format",
                "artifact.format is required");
        assertRefused(() -> new ArtifactSpec(SHA, "pickle", null), "INVALID_ARGUMENT", "format",
                "unknown artifact format 'pickle'");
        assertRefused(() -> new ArtifactSpec(SHA, "opaque", "tar"), "INVALID_ARGUMENT", "artifact.packaging",
                "unknown artifact packaging 'tar'");
    }

    @Test
    void refusesBadMetadata() {
        assertRefused(() -> new NewInstance(ARTIFACT, Map.of("bad key", "v"), null), "INVALID_ARGUMENT", "metadata key",
                "is not valid");
        assertRefused(() -> new NewInstance(ARTIFACT, Map.of("k", "x".repeat(513)), null), "INVALID_ARGUMENT", "metadata.k",
                "longer than 512 characters");
    }

    @Test
    void refusesWhatOnlyTheServerRecords() {
        assertRefused(() -> new NewInstance(ARTIFACT, null, Provenance.empty().uploaded("mallory", null, null)),
                "INVALID_ARGUMENT", "provenance.uploader", "recorded by the server");
        assertRefused(() -> new NewInstance(ARTIFACT, null, Provenance.empty().uploaded(null, Instant.EPOCH, null)),
                "INVALID_ARGUMENT", "provenance.uploadedAt", "recorded by the server");
        assertRefused(() -> new NewInstance(ARTIFACT, null, Provenance.empty().uploaded(null, null, Map.of("os", "x"))),
                "INVALID_ARGUMENT", "provenance.server", "recorded by the server");
        assertRefused(() -> new NewInstance(ARTIFACT, null, Provenance.empty().propagated(UUID.randomUUID(), null)),
                "INVALID_ARGUMENT", "provenance.propagatedFrom", "recorded by the server");
        assertRefused(() -> new NewInstance(ARTIFACT, null, Provenance.empty().propagated(null, Instant.EPOCH)),
                "INVALID_ARGUMENT", "provenance.propagatedAt", "recorded by the server");
    }
}
