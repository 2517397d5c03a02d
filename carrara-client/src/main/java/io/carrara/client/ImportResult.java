package io.carrara.client;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What {@link CarraraClient#importTable} did: rows read from the file, rows the table holds now, and its columns. */
public record ImportResult(String table, long rowsImported, long rowsInTable, List<TableColumn> columns) {
    public ImportResult {
        requireNonNull(table, "table is null");
        columns = Copies.list(columns);
    }
}
