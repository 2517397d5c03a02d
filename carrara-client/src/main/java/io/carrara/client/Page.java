package io.carrara.client;

import java.util.List;

/** One page of a list; {@code nextOffset} is null on the last page. */
public record Page<T>(List<T> items, Integer nextOffset) {
    public Page {
        items = Copies.list(items);
    }

    public boolean hasMore() {
        return nextOffset != null;
    }
}
