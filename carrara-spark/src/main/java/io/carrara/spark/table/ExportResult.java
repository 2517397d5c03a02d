package io.carrara.spark.table;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** What an export wrote: the file and its number of rows. */
public record ExportResult(TableName table, Path output, long rows) {
    public ExportResult {
        requireNonNull(table, "table is null");
        requireNonNull(output, "output is null");
    }
}
