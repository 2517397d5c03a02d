package io.carrara.serving.features;

import static io.carrara.serving.ServingErrorCode.FEATURE_STORE_UNAVAILABLE;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The feature store of a single server, in one file under a directory ({@value #FILE_NAME}),
 * kept by H2's MVStore: one map per group, holding each entity's features as one JSON object.
 * Every write is committed before it returns, so it survives a restart; merges are atomic per
 * entity (a compare-and-set loop), so concurrent writers of one key lose nothing. The file is
 * locked by the process that opens it.
 */
public final class EmbeddedFeatureStore implements FeatureStore {
    public static final String FILE_NAME = "features.mv.db";
    private static final String MAP_PREFIX = "group.";

    private final Path directory;
    private final MVStore store;
    private final ConcurrentMap<String, MVMap<String, String>> groups = new ConcurrentHashMap<>();

    private EmbeddedFeatureStore(Path directory, MVStore store) {
        this.directory = directory;
        this.store = store;
    }

    /** Opens (creating if needed) the store in {@code directory}. */
    public static EmbeddedFeatureStore open(Path directory) {
        requireNonNull(directory, "directory is null");
        Path file = directory.resolve(FILE_NAME);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new CarraraException(FEATURE_STORE_UNAVAILABLE,
                    "cannot create the feature store directory " + directory + ": " + e.getMessage(), "features.path", e);
        }
        try {
            return new EmbeddedFeatureStore(directory, new MVStore.Builder().fileName(file.toString()).open());
        } catch (MVStoreException e) {
            throw new CarraraException(FEATURE_STORE_UNAVAILABLE,
                    "cannot open the feature store " + file + ": " + e.getMessage()
                            + "; is another Carrara server using this home?", "features.path", e);
        }
    }

    @Override
    public void putAll(String group, Map<String, ? extends Map<String, ?>> featuresByKey) {
        FeatureValues.checkGroup(group);
        Map<String, Map<String, Object>> writes = FeatureValues.checkWrites(featuresByKey);
        if (writes.isEmpty()) {
            return;
        }
        MVMap<String, String> map = group(group, true);
        for (Map.Entry<String, Map<String, Object>> write : writes.entrySet()) {
            // ConcurrentMap.compute retries on a concurrent change, so a merge never loses another's write.
            map.compute(write.getKey(), (key, stored) -> {
                Map<String, Object> features = stored == null ? new TreeMap<>() : FeatureValues.decodeEntity(stored);
                write.getValue().forEach((name, value) -> {
                    if (value == null) {
                        features.remove(name);
                    } else {
                        features.put(name, value);
                    }
                });
                return features.isEmpty() ? null : FeatureValues.encodeEntity(features);
            });
        }
        commit();
    }

    @Override
    public List<Map<String, Object>> getAll(String group, List<String> keys, List<String> features) {
        FeatureValues.checkGroup(group);
        requireNonNull(keys, "keys is null");
        List<String> selected = FeatureValues.checkFeatures(features);
        MVMap<String, String> map = group(group, false);
        List<Map<String, Object>> rows = new ArrayList<>(keys.size());
        keys.forEach(FeatureValues::checkKey);
        for (String key : keys) {
            String stored = map == null ? null : map.get(key);
            rows.add(stored == null ? Map.of() : select(FeatureValues.decodeEntity(stored), selected));
        }
        return rows;
    }

    @Override
    public boolean delete(String group, String key) {
        FeatureValues.checkGroup(group);
        FeatureValues.checkKey(key);
        MVMap<String, String> map = group(group, false);
        if (map == null || map.remove(key) == null) {
            return false;
        }
        commit();
        return true;
    }

    @Override
    public String describe() {
        return directory.resolve(FILE_NAME).toUri().toString();
    }

    @Override
    public void close() {
        store.close();
    }

    static Map<String, Object> select(Map<String, Object> all, List<String> selected) {
        if (selected.isEmpty()) {
            return java.util.Collections.unmodifiableMap(all);
        }
        Map<String, Object> chosen = new LinkedHashMap<>();
        for (String name : selected) {
            Object value = all.get(name);
            if (value != null) {
                chosen.put(name, value);
            }
        }
        return java.util.Collections.unmodifiableMap(chosen);
    }

    private MVMap<String, String> group(String group, boolean create) {
        MVMap<String, String> map = groups.get(group);
        if (map != null || !create && !store.hasMap(MAP_PREFIX + group)) {
            return map;
        }
        return groups.computeIfAbsent(group, name -> store.openMap(MAP_PREFIX + name));
    }

    private void commit() {
        try {
            store.commit();
        } catch (MVStoreException e) {
            throw new CarraraException(FEATURE_STORE_UNAVAILABLE,
                    "cannot write the feature store " + describe() + ": " + e.getMessage(), null, e);
        }
    }
}
