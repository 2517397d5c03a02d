package io.carrara.registry.search;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed search: an optional filter (absent means every instance), the requested order (empty
 * means the default, newest first), and the limit and offset when the query gave them.
 */
public record SearchQuery(Optional<Expression> filter, List<SortKey> orderBy, OptionalInt limit, OptionalInt offset) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public SearchQuery {
        requireNonNull(filter, "filter is null");
        orderBy = List.copyOf(requireNonNull(orderBy, "orderBy is null"));
        requireNonNull(limit, "limit is null");
        requireNonNull(offset, "offset is null");
        if (limit.isPresent() && (limit.getAsInt() < 1 || limit.getAsInt() > MAX_LIMIT)) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit.getAsInt());
        }
        if (offset.isPresent() && offset.getAsInt() < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset.getAsInt());
        }
    }
}
