package io.carrara.registry.search;

import static java.util.Objects.requireNonNull;

/** One {@code ORDER BY} item. */
public record SortKey(Key key, Direction direction) {
    public enum Direction {
        ASCENDING,
        DESCENDING
    }

    public SortKey {
        requireNonNull(key, "key is null");
        requireNonNull(direction, "direction is null");
    }
}
