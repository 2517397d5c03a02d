package io.carrara.api.table;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.util.List;

/** What a table import did: rows read from the file, rows the table holds now, and its columns. */
public record ImportResult(String table, long rowsImported, long rowsInTable, List<TableColumn> columns) {
    public ImportResult {
        requireNonNull(table, "table is null");
        columns = WireCopies.list(columns);
    }
}
