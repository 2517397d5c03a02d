package io.carrara.client;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable copies for record components. The server may omit an empty list or map, so null
 * becomes empty. Maps are sorted by key: the server's order carries no meaning and changes from
 * one server run to the next, and output that people compare should not.
 */
final class Copies {
    private Copies() {}

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
