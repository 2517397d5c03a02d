package io.carrara.api;

import java.util.List;

/** One page of a list, as every list endpoint answers it: {@code {"items": [...], "nextOffset": 100 | null}}. */
public record Page<T>(List<T> items, Integer nextOffset) {
    public Page {
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** Whether there is a next page; {@code nextOffset} is null on the last one. */
    public boolean hasMore() {
        return nextOffset != null;
    }
}
