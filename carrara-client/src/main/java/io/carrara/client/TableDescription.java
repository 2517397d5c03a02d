package io.carrara.client;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A table's columns and partitioning; {@code rows} is its row count when
 * {@link CarraraClient#describeTable} was asked to count, else null.
 */
public record TableDescription(String name, String type, List<TableColumn> columns, List<String> partitionColumns, Long rows) {
    public TableDescription {
        requireNonNull(name, "name is null");
        columns = Copies.list(columns);
        partitionColumns = Copies.list(partitionColumns);
    }
}
