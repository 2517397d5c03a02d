package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How an artifact's bytes are laid out: one file as uploaded, or a directory packed as a deterministic ZIP. */
public enum Packaging {
    FILE, ZIP;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Packaging fromWireName(String wireName) {
        for (Packaging value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("packaging '" + wireName + "' is not file or zip");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
