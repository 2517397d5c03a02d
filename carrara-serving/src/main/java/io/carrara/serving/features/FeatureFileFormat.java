package io.carrara.serving.features;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.Locale;

/** The formats of a bulk feature load: JSON Lines (one object per line) or CSV with a header row. */
public enum FeatureFileFormat {
    JSONL("jsonl"),
    CSV("csv");

    private final String wireName;

    FeatureFileFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** {@code jsonl} or {@code csv}, in any case; else an error naming {@code field}. */
    public static FeatureFileFormat fromWireName(String name, String field) {
        String lower = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (FeatureFileFormat format : values()) {
            if (format.wireName.equals(lower)) {
                return format;
            }
        }
        throw new CarraraException(INVALID_ARGUMENT, field + " must be jsonl or csv, not '" + name + "'", field);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
