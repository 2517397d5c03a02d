package io.carrara.registry.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Immutable copies in key order, so JSON output and equality never depend on hash order. */
final class SortedMaps {
    private SortedMaps() {}

    static <V> Map<String, V> copyOf(Map<String, V> values) {
        return Collections.unmodifiableMap(new TreeMap<>(values));
    }
}
