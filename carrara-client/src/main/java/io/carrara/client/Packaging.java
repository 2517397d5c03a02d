package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;

/** How an artifact's bytes are laid out: a single file as is, or a directory as a deterministic ZIP. */
public enum Packaging {
    FILE("file"),
    ZIP("zip");

    private final String wireName;

    Packaging(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Packaging fromWireName(String value) {
        for (Packaging packaging : values()) {
            if (packaging.wireName.equals(value)) {
                return packaging;
            }
        }
        throw new CarraraException(INVALID_ARGUMENT, "unknown packaging '" + value + "'; use file or zip", "packaging");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
