package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.deploy.Deployment.MissingFeatures;
import io.carrara.registry.deploy.FeatureLookup;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.features.FeatureValues;
import io.carrara.spi.error.CarraraException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Completes rows with online features before scoring: for each {@link FeatureLookup}, the rows'
 * values of its key field are read from the feature store in one {@code getAll} per request, and
 * each named feature becomes a column of the row. A feature the store does not have is null, or
 * with {@link MissingFeatures#REJECT} fails that row with a message naming the group and key.
 * Request rows are not changed: a joined row is a copy.
 */
final class FeatureJoin {
    /** The rows after the join; {@code errors[i]} is set when row {@code i} was rejected. */
    record Joined(List<Map<String, Object>> rows, List<Optional<Rejection>> errors) {}

    /** Why a row was rejected, and the column at fault: the missing feature, or the missing key field. */
    record Rejection(String message, String column) {}

    private final List<FeatureLookup> lookups;
    private final MissingFeatures missing;
    private final FeatureStore store;

    FeatureJoin(List<FeatureLookup> lookups, MissingFeatures missing, FeatureStore store) {
        this.lookups = List.copyOf(lookups);
        this.missing = requireNonNull(missing, "missing is null");
        this.store = lookups.isEmpty() ? store : requireNonNull(store, "a deployment with feature lookups needs a feature store");
    }

    Joined join(List<Map<String, Object>> rows) {
        List<Optional<Rejection>> errors = new ArrayList<>(java.util.Collections.nCopies(rows.size(), Optional.empty()));
        if (lookups.isEmpty()) {
            return new Joined(rows, errors);
        }
        List<Map<String, Object>> joined = new ArrayList<>(rows.size());
        rows.forEach(row -> joined.add(new LinkedHashMap<>(row)));
        for (FeatureLookup lookup : lookups) {
            String[] keys = new String[rows.size()];
            Set<String> distinct = new LinkedHashSet<>();
            for (int i = 0; i < rows.size(); i++) {
                keys[i] = key(rows.get(i).get(lookup.key()));
                if (keys[i] != null) {
                    distinct.add(keys[i]);
                }
            }
            Map<String, Map<String, Object>> found = new HashMap<>();
            if (!distinct.isEmpty()) {
                List<String> asked = List.copyOf(distinct);
                List<Map<String, Object>> values = store.getAll(lookup.group(), asked, lookup.features());
                for (int i = 0; i < asked.size(); i++) {
                    found.put(asked.get(i), values.get(i));
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> features = keys[i] == null ? Map.of() : found.getOrDefault(keys[i], Map.of());
                Map<String, Object> row = joined.get(i);
                for (String feature : lookup.features()) {
                    Object value = features.get(feature);
                    row.put(feature, value);
                    if (value == null && missing == MissingFeatures.REJECT && errors.get(i).isEmpty()) {
                        errors.set(i, Optional.of(rejection(lookup, feature, keys[i], rows.get(i).get(lookup.key()))));
                    }
                }
            }
        }
        return new Joined(joined, errors);
    }

    /** The entity key of a row's value: its text, or null when it has none or it is no valid key. */
    private static String key(Object value) {
        if (value == null || value instanceof Map || value instanceof List) {
            return null;
        }
        String key = Router.Partitioned.text(value);
        try {
            return FeatureValues.checkKey(key);
        } catch (CarraraException e) {
            return null;
        }
    }

    private static Rejection rejection(FeatureLookup lookup, String feature, String key, Object value) {
        if (key == null) {
            return new Rejection("feature group " + lookup.group() + " needs the key field " + lookup.key() + ", which is "
                    + (value == null ? "missing or null" : "not a valid key") + " in this row; send " + lookup.key(),
                    lookup.key());
        }
        return new Rejection("feature group " + lookup.group() + " has no " + feature + " for key '" + key + "' (field "
                + lookup.key() + "); write it with PUT /api/v1/features/" + lookup.group() + "/" + key
                + " or let the deployment read missing features as null", feature);
    }
}
