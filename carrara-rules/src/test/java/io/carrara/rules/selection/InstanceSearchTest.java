package io.carrara.rules.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.search.SearchParser;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InstanceSearchTest {
    private static InstanceFacts instance(int id, String model, String createdAt, boolean deprecated,
            Map<String, String> meta, Map<String, Map<String, Double>> metrics) {
        return new InstanceFacts(new UUID(0, id), ModelRef.parse(model, "model"), id, Instant.parse(createdAt),
                id % 2 == 0 ? "alice" : "bob", id == 3 ? "python" : "opaque", deprecated, meta, metrics);
    }

    private static final InstanceFacts A = instance(1, "demand/eta", "2026-11-01T10:00:00Z", false,
            Map.of("city", "nyc", "seed", "42", "note", "50% off"), Map.of("validation", Map.of("mae", 4.0, "auc", 0.9)));
    private static final InstanceFacts B = instance(2, "demand/eta", "2026-11-02T10:00:00Z", true,
            Map.of("city", "sf", "seed", "7", "note", "50_off"), Map.of("validation", Map.of("mae", 6.0, "auc", 0.9)));
    private static final InstanceFacts C = instance(3, "pricing/surge", "2026-11-03T10:00:00Z", false,
            Map.of("seed", "abc"), Map.of("training", Map.of("mae", 1.0)));
    private static final InstanceFacts D = instance(4, "pricing/eta", "2026-11-04T10:00:00Z", false,
            Map.of("city", "NYC", "seed", "1e2"), Map.of("validation", Map.of("auc", 0.95)));
    private static final List<InstanceFacts> ALL = List.of(A, B, C, D);

    private static List<Integer> search(String query) {
        return InstanceSearch.search(SearchParser.parse(query), ALL).stream()
                .map(i -> (int) i.id().getLeastSignificantBits()).toList();
    }

    @Test
    void instanceFieldsCompareLikeTheRegistry() {
        assertThat(search("")).containsExactly(4, 3, 2, 1);
        assertThat(search("model = 'eta'")).containsExactly(4, 2, 1);
        assertThat(search("project = 'pricing' AND model != 'eta'")).containsExactly(3);
        assertThat(search("model IN ('surge', 'x')")).containsExactly(3);
        assertThat(search("model NOT IN ('eta')")).containsExactly(3);
        assertThat(search("model LIKE 'e_a'")).containsExactly(4, 2, 1);
        assertThat(search("model NOT LIKE '%a'")).containsExactly(3);
        assertThat(search("version >= 3")).containsExactly(4, 3);
        assertThat(search("created_at < '2026-11-02T10:00:00Z'")).containsExactly(1);
        assertThat(search("created_at >= '2026-11-02'")).containsExactly(4, 3, 2);
        assertThat(search("created_by = 'alice'")).containsExactly(4, 2);
        assertThat(search("format = 'python'")).containsExactly(3);
        assertThat(search("id = '" + new UUID(0, 2) + "'")).containsExactly(2);
        assertThat(search("deprecated")).containsExactly(2);
        assertThat(search("NOT deprecated")).containsExactly(4, 3, 1);
        assertThat(search("deprecated IS NULL")).isEmpty();
    }

    @Test
    void metadataHoldsOnlyWhereTheKeyExistsAndComparesNumbersNumerically() {
        assertThat(search("meta.city = 'nyc'")).containsExactly(1);
        assertThat(search("meta.city != 'nyc'")).containsExactly(4, 2);
        assertThat(search("NOT meta.city = 'nyc'")).containsExactly(4, 3, 2);
        assertThat(search("meta.city NOT IN ('nyc')")).containsExactly(4, 2);
        assertThat(search("meta.city IS NULL")).containsExactly(3);
        assertThat(search("meta.city IS NOT NULL")).containsExactly(4, 2, 1);
        assertThat(search("meta.seed > 10")).containsExactly(4, 1);
        assertThat(search("meta.seed > '10'")).containsExactly(4, 3, 2, 1);
        assertThat(search("meta.seed IN (7, 100.0)")).containsExactly(4, 2);
        assertThat(search("meta.note LIKE '50\\%%'")).containsExactly(1);
        assertThat(search("meta.note LIKE '50\\_off'")).containsExactly(2);
        assertThat(search("meta.note LIKE '50_off'")).containsExactly(2);
    }

    @Test
    void metricsCompareTheLatestValueAndAndOrNotCombine() {
        assertThat(search("metric.validation.mae < 5")).containsExactly(1);
        assertThat(search("metric.validation.mae IS NULL")).containsExactly(4, 3);
        assertThat(search("metric.validation.mae != 4")).containsExactly(2);
        assertThat(search("metric.training.mae IN (1, 2)")).containsExactly(3);
        assertThat(search("model = 'eta' OR model = 'surge' AND deprecated")).containsExactly(4, 2, 1);
        assertThat(search("(model = 'eta' OR model = 'surge') AND NOT deprecated")).containsExactly(4, 3, 1);
    }

    @Test
    void ordersLikeTheRegistryWithMissingValuesLastAndTiesById() {
        assertThat(search("ORDER BY metric.validation.auc DESC")).containsExactly(4, 1, 2, 3);
        assertThat(search("ORDER BY metric.validation.auc ASC")).containsExactly(1, 2, 4, 3);
        assertThat(search("ORDER BY metric.validation.mae DESC")).containsExactly(2, 1, 3, 4);
        // Numbers first (numeric order), then text, then no key, whatever the direction.
        assertThat(search("ORDER BY meta.seed ASC")).containsExactly(2, 1, 4, 3);
        assertThat(search("ORDER BY meta.seed DESC")).containsExactly(4, 1, 2, 3);
        assertThat(search("ORDER BY meta.city DESC")).containsExactly(2, 1, 4, 3);
        assertThat(search("ORDER BY model, project DESC")).containsExactly(4, 1, 2, 3);
        assertThat(search("ORDER BY deprecated DESC, version LIMIT 2")).containsExactly(2, 1);
        assertThat(search("ORDER BY version LIMIT 2 OFFSET 1")).containsExactly(2, 3);
    }
}
