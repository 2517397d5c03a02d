package io.carrara.registry.model;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;

/** How the artifact's bytes are laid out: one file as uploaded, or a directory packed as a deterministic ZIP. */
public enum ArtifactPackaging {
    FILE("file"),
    ZIP("zip");

    private final String wireName;

    ArtifactPackaging(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ArtifactPackaging fromWireName(String value) {
        for (ArtifactPackaging packaging : values()) {
            if (packaging.wireName.equals(value)) {
                return packaging;
            }
        }
        throw new CarraraException(INVALID_ARGUMENT,
                "unknown artifact packaging '" + value + "'; use file or zip", "artifact.packaging");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
