package io.carrara.spark.table;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A table's rows to write to one local file, optionally filtered by a SQL condition such as
 * {@code "execution_date = DATE'2026-11-01' AND prediction = 1"}.
 */
public record ExportRequest(TableName table, Optional<String> where, Path output, FileFormat format) {
    public ExportRequest {
        requireNonNull(table, "table is null");
        requireNonNull(where, "where is null");
        requireNonNull(output, "output is null");
        requireNonNull(format, "format is null");
    }

    /** Every row of {@code table} to {@code output}, in the format its name says. */
    public static ExportRequest of(TableName table, Path output) {
        return new ExportRequest(table, Optional.empty(), output, FileFormat.of(output, "output"));
    }

    public ExportRequest withWhere(String condition) {
        return new ExportRequest(table, Optional.of(condition), output, format);
    }
}
