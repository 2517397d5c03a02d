package io.carrara.api.feature;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entity's features from the online feature store, as every feature endpoint answers: numbers,
 * text, booleans, lists of those, and null for an asked-for feature that is missing. The Java client
 * gives whole numbers as {@code Long} and decimals as {@code Double}.
 */
public record FeatureEntity(String group, String key, Map<String, Object> features) {
    public FeatureEntity {
        requireNonNull(group, "group is null");
        requireNonNull(key, "key is null");
        // Not Map.copyOf: a missing feature is a null value, which Map.copyOf refuses.
        features = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(features, "features is null")));
    }
}
