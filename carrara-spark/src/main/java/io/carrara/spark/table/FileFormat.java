package io.carrara.spark.table;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.nio.file.Path;
import java.util.Locale;

/** The file formats tables are imported from and exported to. */
public enum FileFormat {
    /** Comma-separated values with a header line. */
    CSV,
    /** One JSON object per line. */
    JSON_LINES;

    /** The format a file name's extension says: {@code .csv}, or {@code .jsonl}, {@code .ndjson} or {@code .json}. */
    public static FileFormat of(Path file, String field) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSON_LINES;
        }
        throw new CarraraException(INVALID_ARGUMENT, "cannot tell the format of " + file + " from its name: use a file ending"
                + " in .csv or .jsonl, or name the format explicitly", field);
    }
}
