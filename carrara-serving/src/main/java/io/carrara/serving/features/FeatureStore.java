package io.carrara.serving.features;

import java.util.List;
import java.util.Map;

/**
 * The online feature store: feature values of entities (a driver, a rider), grouped by feature
 * group and addressed by the entity's key, read at prediction time to complete a row.
 *
 * <pre>{@code
 * store.put("driver_stats", "d42", Map.of("trips_7d", 12L, "rating", 4.8));   // merges
 * store.put("driver_stats", "d42", Collections.singletonMap("rating", null)); // removes rating
 * Map<String, Object> one = store.get("driver_stats", "d42", List.of("trips_7d", "rating"));
 * List<Map<String, Object>> rows = store.getAll("driver_stats", List.of("d42", "d7"), List.of("trips_7d"));
 * }</pre>
 *
 * Values are JSON scalars and flat arrays, returned with their type: a {@code Long}, {@code Double},
 * {@code String}, {@code Boolean}, or a {@code List} of those (see {@link FeatureValues}). Writes
 * merge into the entity's existing features, and a null value removes that feature, as in a JSON
 * merge patch. A read returns only the features that exist, so an unknown key gives an empty map;
 * what a missing feature means (a null in the row, or a rejected request) is the caller's choice.
 * Group, key and feature names are checked and an invalid one raises {@code INVALID_ARGUMENT}
 * naming the field; an unreachable backend raises {@code FEATURE_STORE_UNAVAILABLE}. Implementations
 * are safe for concurrent use.
 */
public interface FeatureStore extends AutoCloseable {
    /** Merges {@code features} into the entity {@code key} of {@code group}; null values remove features. */
    default void put(String group, String key, Map<String, ?> features) {
        java.util.Map<String, Map<String, ?>> one = new java.util.LinkedHashMap<>();
        one.put(FeatureValues.checkKey(key), features);
        putAll(group, one);
    }

    /**
     * Merges the features of many entities, in one round trip where the backend allows. Every
     * entry is checked before anything is written, so a bad one writes nothing.
     */
    void putAll(String group, Map<String, ? extends Map<String, ?>> featuresByKey);

    /** The entity's features named in {@code features} (all of them when empty) that exist. */
    default Map<String, Object> get(String group, String key, List<String> features) {
        return getAll(group, List.of(FeatureValues.checkKey(key)), features).get(0);
    }

    /**
     * The features of many entities in one round trip: one map per key, in the order of
     * {@code keys}, empty for an unknown key.
     */
    List<Map<String, Object>> getAll(String group, List<String> keys, List<String> features);

    /** Removes the entity and all its features; false when there was no such entity. */
    boolean delete(String group, String key);

    /**
     * Whether the store answers now (for readiness and health); never throws and never waits longer
     * than the store's timeout. An embedded store is always available.
     */
    default boolean available() {
        return true;
    }

    /** Where the features live, for logs: a directory or a Redis address (never a password). */
    String describe();

    @Override
    void close();
}
