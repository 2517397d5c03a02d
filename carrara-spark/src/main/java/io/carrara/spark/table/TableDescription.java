package io.carrara.spark.table;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalLong;

/** A table's columns in order, its partition columns, and its row count when asked for. */
public record TableDescription(TableName name, String type, List<TableColumn> columns, OptionalLong rows) {
    public TableDescription {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(rows, "rows is null");
    }

    /** The names of the columns that partition the table, in order. */
    public List<String> partitionColumns() {
        return columns.stream().filter(TableColumn::partition).map(TableColumn::name).toList();
    }
}
