package io.carrara.registry.search;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A search ready to run: {@code sql} selects {@code instance_id} values in page order, and
 * {@code parameters} bind to its {@code ?} markers in order. The last two parameters are the
 * {@code limit} and {@code offset}, also given as fields for building the next page's offset.
 * Parameters are {@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code java.time.LocalDateTime} (UTC) or {@code Integer} (limit and offset).
 */
public record CompiledSearch(String sql, List<Object> parameters, int limit, int offset) {
    public CompiledSearch {
        requireNonNull(sql, "sql is null");
        parameters = List.copyOf(requireNonNull(parameters, "parameters is null"));
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
    }
}
