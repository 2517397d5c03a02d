package io.carrara.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable copies for the records' components. A peer may omit an empty list or map, so null
 * becomes empty; maps are sorted by key, because their order on the wire carries no meaning and
 * output that people compare should not change from one run to the next.
 */
public final class WireCopies {
    private WireCopies() {}

    public static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    public static <K, V> Map<K, V> map(Map<K, V> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }

    /** As {@link #map}, but null stays null: for a field whose absence means something. */
    public static <K, V> Map<K, V> mapOrNull(Map<K, V> map) {
        return map == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
