package io.carrara.spark.table;

import static java.util.Objects.requireNonNull;

/** A table of the catalog as listed: its name and type ({@code MANAGED}, {@code EXTERNAL}, {@code VIEW}). */
public record TableSummary(TableName name, String type) {
    public TableSummary {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
