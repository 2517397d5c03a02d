package io.carrara.serving.engine;

import static io.carrara.serving.ServingErrorCode.FEATURE_MISSING;
import static java.util.Objects.requireNonNull;

import io.carrara.registry.deploy.Deployment.MissingFeatures;
import io.carrara.registry.deploy.FeatureLookup;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.features.FeatureValues;
import io.carrara.serving.predict.RowError;
import io.carrara.spi.error.CarraraException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Completes rows with online features before scoring: for each {@link FeatureLookup}, the rows'
 * values of its key field are read from the feature store in one {@code getAll} per request, and
 * each named feature becomes a column of the row. A feature the store does not have is null, or
 * with {@link MissingFeatures#REJECT} fails that row ({@code FEATURE_MISSING}) with a message naming
 * the group and key.
 * Request rows are not changed: a joined row is a copy.
 */
final class FeatureJoin {
    /**
     * The rows after the join; {@code errors} is null when no row was rejected, else {@code errors[i]}
     * is set (FEATURE_MISSING, naming the missing feature or key field as the column) when row
     * {@code i} was. An array, not a list of optionals: most requests reject nothing.
     */
    record Joined(List<Map<String, Object>> rows, RowError[] errors) {}

    private final List<FeatureLookup> lookups;
    private final MissingFeatures missing;
    private final FeatureStore store;

    FeatureJoin(List<FeatureLookup> lookups, MissingFeatures missing, FeatureStore store) {
        this.lookups = List.copyOf(lookups);
        this.missing = requireNonNull(missing, "missing is null");
        this.store = lookups.isEmpty() ? store : requireNonNull(store, "a deployment with feature lookups needs a feature store");
    }

    Joined join(List<Map<String, Object>> rows) {
        if (lookups.isEmpty()) {
            return new Joined(rows, null);
        }
        RowError[] errors = null;
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
                    if (value == null && missing == MissingFeatures.REJECT && (errors == null || errors[i] == null)) {
                        if (errors == null) {
                            errors = new RowError[rows.size()];
                        }
                        errors[i] = rejection(lookup, feature, keys[i], rows.get(i).get(lookup.key()));
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

    private static RowError rejection(FeatureLookup lookup, String feature, String key, Object value) {
        if (key == null) {
            return new RowError(FEATURE_MISSING, "feature group " + lookup.group() + " needs the key field " + lookup.key() + ", which is "
                    + (value == null ? "missing or null" : "not a valid key") + " in this row; send " + lookup.key(),
                    lookup.key());
        }
        return new RowError(FEATURE_MISSING, "feature group " + lookup.group() + " has no " + feature + " for key '" + key + "' (field "
                + lookup.key() + "); write it with PUT /api/v1/features/" + lookup.group() + "/" + key
                + " or let the deployment read missing features as null", feature);
    }
}
