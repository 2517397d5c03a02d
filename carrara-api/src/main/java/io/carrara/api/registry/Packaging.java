package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** How an artifact's bytes are laid out: one file as uploaded, or a directory packed as a deterministic ZIP. */
public enum Packaging {
    FILE, ZIP;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Packaging fromWireName(String wireName) {
        return WireEnums.fromWireName(Packaging.class, "packaging", wireName);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
