package io.carrara.serving.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The contract every {@link FeatureStore} keeps; subclasses supply a fresh, empty store. */
public abstract class AbstractFeatureStoreTest {
    protected FeatureStore store;

    protected abstract FeatureStore createStore();

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void valuesKeepTheirTypes() {
        Map<String, Object> written = new LinkedHashMap<>();
        written.put("trips_7d", 12);
        written.put("big", Long.MAX_VALUE);
        written.put("rating", 4.8);
        written.put("whole_double", 12.0);
        written.put("tiny", 1e-300);
        written.put("tier", "gold");
        written.put("numeric_text", "12");
        written.put("active", true);
        written.put("history", List.of(1, 2, 3L));
        written.put("weights", List.of(0.5, 2.0));
        written.put("cities", List.of("nyc", "sf"));
        written.put("empty", List.of());

        store.put("driver_stats", "d42", written);
        Map<String, Object> read = store.get("driver_stats", "d42", List.of());

        assertThat(read).containsOnlyKeys(written.keySet());
        assertThat(read.get("trips_7d")).isEqualTo(12L);
        assertThat(read.get("big")).isEqualTo(Long.MAX_VALUE);
        assertThat(read.get("rating")).isEqualTo(4.8);
        assertThat(read.get("whole_double")).isInstanceOf(Double.class).isEqualTo(12.0);
        assertThat(read.get("tiny")).isEqualTo(1e-300);
        assertThat(read.get("tier")).isEqualTo("gold");
        assertThat(read.get("numeric_text")).isEqualTo("12");
        assertThat(read.get("active")).isEqualTo(true);
        assertThat(read.get("history")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(read.get("weights")).isEqualTo(List.of(0.5, 2.0));
        assertThat(read.get("cities")).isEqualTo(List.of("nyc", "sf"));
        assertThat(read.get("empty")).isEqualTo(List.of());
    }

    @Test
    void putMergesAndNullRemoves() {
        store.put("driver_stats", "d1", Map.of("trips_7d", 12, "rating", 4.8));
        store.put("driver_stats", "d1", Map.of("trips_7d", 13, "tier", "gold"));
        assertThat(store.get("driver_stats", "d1", List.of()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("trips_7d", 13L, "rating", 4.8, "tier", "gold"));

        Map<String, Object> removal = new HashMap<>();
        removal.put("rating", null);
        store.put("driver_stats", "d1", removal);
        assertThat(store.get("driver_stats", "d1", List.of())).containsOnlyKeys("trips_7d", "tier");

        Map<String, Object> removeAll = new HashMap<>();
        removeAll.put("trips_7d", null);
        removeAll.put("tier", null);
        store.put("driver_stats", "d1", removeAll);
        assertThat(store.get("driver_stats", "d1", List.of())).isEmpty();
        assertThat(store.delete("driver_stats", "d1")).isFalse();
    }

    @Test
    void readsSelectedFeaturesInTheAskedOrderAndSkipsMissingOnes() {
        store.put("driver_stats", "d1", Map.of("a", 1, "b", 2, "c", 3));

        Map<String, Object> read = store.get("driver_stats", "d1", List.of("c", "missing", "a"));

        assertThat(read).containsExactly(Map.entry("c", 3L), Map.entry("a", 1L));
        assertThat(store.get("driver_stats", "unknown", List.of("a"))).isEmpty();
        assertThat(store.get("no_such_group", "d1", List.of())).isEmpty();
    }

    @Test
    void readsManyKeysInTheirOrder() {
        Map<String, Map<String, Object>> batch = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            batch.put("d" + i, Map.of("trips_7d", i, "rating", i / 10.0));
        }
        store.putAll("driver_stats", batch);

        List<Map<String, Object>> rows = store.getAll("driver_stats", List.of("d7", "nobody", "d0", "d7", "d49"),
                List.of("trips_7d"));

        assertThat(rows).containsExactly(Map.of("trips_7d", 7L), Map.of(), Map.of("trips_7d", 0L),
                Map.of("trips_7d", 7L), Map.of("trips_7d", 49L));
        assertThat(store.getAll("driver_stats", List.of("d3"), List.of()).get(0))
                .isEqualTo(Map.of("trips_7d", 3L, "rating", 0.3));
        assertThat(store.getAll("driver_stats", List.of(), List.of())).isEmpty();
    }

    @Test
    void groupsAreSeparateAndKeysMayHoldAnyPrintableText() {
        store.put("driver_stats", "city:nyc/d 1", Map.of("x", 1));
        store.put("rider_stats", "city:nyc/d 1", Map.of("x", 2));
        store.put("driver_stats", "ключ-😀", Map.of("x", 3));

        assertThat(store.get("driver_stats", "city:nyc/d 1", List.of())).isEqualTo(Map.of("x", 1L));
        assertThat(store.get("rider_stats", "city:nyc/d 1", List.of())).isEqualTo(Map.of("x", 2L));
        assertThat(store.get("driver_stats", "ключ-😀", List.of())).isEqualTo(Map.of("x", 3L));
    }

    @Test
    void deleteRemovesTheEntity() {
        store.put("driver_stats", "d1", Map.of("x", 1));
        store.put("driver_stats", "d2", Map.of("x", 2));

        assertThat(store.delete("driver_stats", "d1")).isTrue();
        assertThat(store.delete("driver_stats", "d1")).isFalse();
        assertThat(store.delete("no_such_group", "d1")).isFalse();
        assertThat(store.get("driver_stats", "d1", List.of())).isEmpty();
        assertThat(store.get("driver_stats", "d2", List.of())).isEqualTo(Map.of("x", 2L));
    }

    @Test
    void invalidNamesAndValuesAreRefusedNamingTheField() {
        assertInvalid(() -> store.put("bad group", "d1", Map.of("x", 1)), "group");
        assertInvalid(() -> store.put("driver_stats", "", Map.of("x", 1)), "key");
        assertInvalid(() -> store.put("driver_stats", "a\nb", Map.of("x", 1)), "key");
        assertInvalid(() -> store.put("driver_stats", "x".repeat(513), Map.of("x", 1)), "key");
        assertInvalid(() -> store.put("driver_stats", "d1", Map.of("bad name", 1)), "bad name");
        assertInvalid(() -> store.put("driver_stats", "d1", Map.of("nested", Map.of("a", 1))), "nested");
        assertInvalid(() -> store.put("driver_stats", "d1", Map.of("nan", Double.NaN)), "nan");
        assertInvalid(() -> store.put("driver_stats", "d1", Map.of("nested", List.of(List.of(1)))), "nested");
        assertInvalid(() -> store.put("driver_stats", "d1", Map.of("when", new java.util.Date())), "when");
        assertInvalid(() -> store.put("driver_stats", "d1",
                Map.of("holes", Arrays.asList(1, null))), "holes");
        assertInvalid(() -> store.get("driver_stats", "d1", List.of("a b")), "a b");
        assertInvalid(() -> store.getAll("driver_stats", List.of("d1", ""), List.of()), "key");
    }

    @Test
    void aBadEntryInABatchWritesNothing() {
        Map<String, Map<String, Object>> batch = new LinkedHashMap<>();
        batch.put("d1", Map.of("x", 1));
        batch.put("d2", Map.of("x", Double.POSITIVE_INFINITY));

        assertInvalid(() -> store.putAll("driver_stats", batch), "x");

        assertThat(store.get("driver_stats", "d1", List.of())).isEmpty();
    }

    @Test
    void concurrentWritersOfOneKeyLoseNothing() throws Exception {
        int writers = 8;
        int featuresEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int f = 0; f < featuresEach; f++) {
                        store.put("driver_stats", "shared", Map.of("w" + writer + "_f" + f, f));
                        store.get("driver_stats", "shared", List.of());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.get("driver_stats", "shared", List.of())).hasSize(writers * featuresEach);
    }

    protected static void assertInvalid(Executable call, String field) {
        CarraraException error = catchThrowableOfType(CarraraException.class, call::execute);
        assertThat(error).as("expected INVALID_ARGUMENT naming " + field).isNotNull();
        assertThat(error.errorCode()).isEqualTo(StandardErrorCode.INVALID_ARGUMENT.toErrorCode());
        assertThat(error.field()).contains(field);
    }
}
