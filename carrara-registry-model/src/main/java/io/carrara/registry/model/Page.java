package io.carrara.registry.model;

import java.util.List;

/** One page of a listing; {@code nextOffset} is null on the last page. */
public record Page<T>(List<T> items, Integer nextOffset) {
    public Page {
        items = List.copyOf(items);
    }

    /** Builds a page from up to {@code limit + 1} fetched rows: the extra row only says there is more. */
    public static <T> Page<T> fromOverfetch(List<T> rows, int limit, int offset) {
        if (rows.size() > limit) {
            return new Page<>(rows.subList(0, limit), offset + limit);
        }
        return new Page<>(rows, null);
    }
}
