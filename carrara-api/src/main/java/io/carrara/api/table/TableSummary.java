package io.carrara.api.table;

import static java.util.Objects.requireNonNull;

/** A table of the server's Spark catalog: {@code database.table} and {@code MANAGED}, {@code EXTERNAL} or {@code VIEW}. */
public record TableSummary(String name, String type) {
    public TableSummary {
        requireNonNull(name, "name is null");
    }
}
