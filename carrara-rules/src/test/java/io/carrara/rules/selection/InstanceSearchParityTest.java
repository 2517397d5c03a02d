package io.carrara.rules.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.search.SearchCompiler;
import io.carrara.registry.search.SearchFixture;
import io.carrara.registry.search.SearchParser;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.spi.model.ModelRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds {@link InstanceSearch} to the registry's SQL: the registry's own search fixture is loaded into
 * H2, read back as {@link InstanceFacts}, and each query must return the same instances in the same
 * order both ways. JDBC appears here only, in a test, to compare with the registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceSearchParityTest {
    private TestDatabases.TestDatabase created;
    private RegistryDatabase registry;
    private List<InstanceFacts> instances;

    @BeforeAll
    void loadTheRegistryFixture() throws SQLException {
        created = TestDatabases.create(DatabaseDialect.H2);
        registry = RegistryDatabase.open(created.config());
        SearchFixture.create(registry.dataSource());
        instances = read(registry.dataSource());
    }

    @AfterAll
    void drop() {
        if (registry != null) {
            registry.close();
        }
        if (created != null) {
            created.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "model = 'supply_rejection'",
        "model != 'supply_rejection'",
        "model IN ('eta', 'surge')",
        "model NOT IN ('eta')",
        "model LIKE 'supply%'",
        "model NOT LIKE '%a'",
        "project = 'pricing'",
        "project IN ('demand') AND model LIKE 'e_a'",
        "version >= 2",
        "version NOT IN (1, 3)",
        "created_by LIKE 'c%'",
        "format IN ('opaque', 'spark-pipeline')",
        "created_at >= '2026-11-02'",
        "created_at = '2026-11-02T12:00:00+02:00'",
        "created_at = '2026-11-03T10:00:00.123456Z'",
        "deprecated",
        "NOT deprecated",
        "deprecated != true",
        "deprecated IS NULL",
        "meta.city = 'nyc'",
        "meta.city IN ('sf', 'NYC')",
        "meta.city != 'nyc'",
        "NOT meta.city = 'nyc'",
        "meta.city NOT IN ('nyc')",
        "meta.region IS NULL",
        "meta.trainingdata IS NOT NULL",
        "meta.owner = 'o''brien'",
        "meta.seed > 10",
        "meta.seed > '10'",
        "meta.seed IN (7, 42.0)",
        "meta.seed = 1e2",
        "meta.note LIKE '50\\%%'",
        "meta.note LIKE '50%\\_off'",
        "meta.note NOT LIKE '50\\%%'",
        "metric.validation.mae < 5",
        "metric.validation.mae >= 4.2",
        "metric.validation.mae IN (3.9, 12)",
        "metric.validation.mae IS NULL",
        "metric.production.mae IS NOT NULL",
        "model = 'eta' OR model = 'surge' AND deprecated",
        "(model = 'eta' OR model = 'surge') AND NOT deprecated",
        "ORDER BY metric.validation.mae",
        "ORDER BY metric.validation.mae DESC",
        "ORDER BY meta.seed",
        "ORDER BY meta.seed DESC",
        "ORDER BY meta.city DESC, version",
        "ORDER BY model, project DESC",
        "ORDER BY created_at",
        "ORDER BY deprecated DESC, created_by LIMIT 3",
        "NOT deprecated ORDER BY version DESC LIMIT 2 OFFSET 1",
    })
    void inMemorySearchAgreesWithTheRegistrysSql(String query) throws SQLException {
        List<String> sql = SearchFixture.run(registry.dataSource(), new SearchCompiler().compile(query, null, null));
        List<String> memory = InstanceSearch.search(SearchParser.parse(query), instances).stream()
                .map(instance -> instance.id().toString()).toList();
        assertThat(memory).as(query).isEqualTo(sql);
    }

    private static List<InstanceFacts> read(DataSource dataSource) throws SQLException {
        Map<String, Map<String, String>> metadata = new HashMap<>();
        Map<String, Map<String, Map<String, Double>>> metrics = new HashMap<>();
        List<InstanceFacts> facts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT instance_id, meta_key, meta_value FROM instance_metadata")) {
                while (rows.next()) {
                    metadata.computeIfAbsent(rows.getString(1), id -> new TreeMap<>()).put(rows.getString(2), rows.getString(3));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT instance_id, scope, name, metric_value FROM metric_latest")) {
                while (rows.next()) {
                    metrics.computeIfAbsent(rows.getString(1), id -> new TreeMap<>())
                            .computeIfAbsent(rows.getString(2), scope -> new TreeMap<>()).put(rows.getString(3), rows.getDouble(4));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT i.instance_id, p.name, m.name, i.version, i.created_at,"
                    + " i.created_by, i.artifact_format, i.deprecated FROM instances i"
                    + " JOIN models m ON m.model_id = i.model_id JOIN projects p ON p.project_id = m.project_id")) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    facts.add(new InstanceFacts(UUID.fromString(id), new ModelRef(rows.getString(2), rows.getString(3)),
                            rows.getInt(4), rows.getObject(5, LocalDateTime.class).toInstant(ZoneOffset.UTC), rows.getString(6),
                            rows.getString(7), rows.getBoolean(8), metadata.getOrDefault(id, Map.of()),
                            metrics.getOrDefault(id, Map.of())));
                }
            }
        }
        return facts;
    }
}
