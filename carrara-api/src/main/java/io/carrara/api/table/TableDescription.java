package io.carrara.api.table;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.util.List;

/**
 * A table's columns and partitioning; {@code rows} is its row count when
 * the request asked to count them, else null.
 */
public record TableDescription(String name, String type, List<TableColumn> columns, List<String> partitionColumns, Long rows) {
    public TableDescription {
        requireNonNull(name, "name is null");
        columns = WireCopies.list(columns);
        partitionColumns = WireCopies.list(partitionColumns);
    }
}
