package io.carrara.api.table;

import static java.util.Objects.requireNonNull;

/** A column of a Spark table: its name, Spark SQL type ({@code string}, {@code array<double>}, …), and whether it partitions the table. */
public record TableColumn(String name, String type, boolean nullable, boolean partition) {
    public TableColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
