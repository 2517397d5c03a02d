package io.carrara.registry.deploy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Online features joined into each row before scoring, e.g. {@code {"group":"driver_stats",
 * "key":"driver_id","features":["trips_7d","rating"]}}: the row's {@code key} field is looked up
 * in {@code group}, and each named feature becomes a column of the row under its own name.
 */
public record FeatureLookup(String group, String key, List<String> features) {
    public FeatureLookup {
        requireNonNull(group, "group is null");
        requireNonNull(key, "key is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
    }
}
