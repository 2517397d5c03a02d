package io.carrara.api.deploy;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.util.List;

/**
 * Online features a deployment joins into each row before scoring: the row's {@code key} field is
 * looked up in {@code group}, and each named feature becomes a column, e.g.
 * {@code new FeatureLookup("driver_stats", "driver_id", List.of("trips_7d", "rating"))}.
 */
public record FeatureLookup(String group, String key, List<String> features) {
    public FeatureLookup {
        requireNonNull(group, "group is null");
        requireNonNull(key, "key is null");
        features = WireCopies.list(features);
    }
}
