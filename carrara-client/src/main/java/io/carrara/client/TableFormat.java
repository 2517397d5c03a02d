package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** How table rows travel: CSV with a header row, or JSON Lines (one object per line). */
public enum TableFormat {
    CSV("csv", "text/csv"),
    JSONL("jsonl", "application/x-ndjson");

    private final String wireName;
    private final String mediaType;

    TableFormat(String wireName, String mediaType) {
        this.wireName = wireName;
        this.mediaType = mediaType;
    }

    /** The name in the API's {@code format} parameter: {@code csv} or {@code jsonl}. */
    public String wireName() {
        return wireName;
    }

    public String mediaType() {
        return mediaType;
    }

    public static TableFormat fromWireName(String name) {
        for (TableFormat format : values()) {
            if (format.wireName.equalsIgnoreCase(name)) {
                return format;
            }
        }
        throw new CarraraException(INVALID_ARGUMENT, "format '" + name + "' is not csv or jsonl", "format");
    }

    /** The format a file's extension names ({@code .csv}; {@code .jsonl}, {@code .ndjson}, {@code .json}), if any. */
    public static Optional<TableFormat> ofFileName(Path file) {
        Path name = file.getFileName();
        String text = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (text.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        if (text.endsWith(".jsonl") || text.endsWith(".ndjson") || text.endsWith(".json")) {
            return Optional.of(JSONL);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
