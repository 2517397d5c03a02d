package io.carrara.spark.table;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What an import did: rows read from the file, rows in the table afterwards, and the table's columns. */
public record ImportResult(TableName table, long rowsImported, long rowsInTable, List<TableColumn> columns) {
    public ImportResult {
        requireNonNull(table, "table is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }
}
