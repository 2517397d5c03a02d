package io.carrara.registry.search;

import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;

import static io.carrara.registry.search.SearchFixture.DEMAND_ETA_1;
import static io.carrara.registry.search.SearchFixture.NEWEST_FIRST;
import static io.carrara.registry.search.SearchFixture.PRICING_ETA_1;
import static io.carrara.registry.search.SearchFixture.SUPPLY_1;
import static io.carrara.registry.search.SearchFixture.SUPPLY_2;
import static io.carrara.registry.search.SearchFixture.SUPPLY_3;
import static io.carrara.registry.search.SearchFixture.SURGE_1;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs compiled searches on a real database loaded with {@link SearchFixture} and checks which
 * instances come back in which order. A subclass per database supplies an empty database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractSearchCompilerTest {
    private final SearchCompiler compiler = new SearchCompiler();
    private TestDatabase database;

    /** A migrated database and what drops it when the tests are done. */
    private record TestDatabase(DataSource dataSource, AutoCloseable drop) {
        TestDatabase {
            requireNonNull(dataSource, "dataSource is null");
            requireNonNull(drop, "drop is null");
        }
    }

    /** The database these assertions run on; each run gets a fresh one from {@link TestDatabases}. */
    protected abstract DatabaseDialect dialect();

    private TestDatabase openDatabase() {
        TestDatabases.TestDatabase created = TestDatabases.create(dialect());
        RegistryDatabase registry = RegistryDatabase.open(created.config());
        return new TestDatabase(registry.dataSource(), () -> {
            registry.close();
            created.close();
        });
    }

    @BeforeAll
    void createFixture() throws Exception {
        database = openDatabase();
        SearchFixture.create(database.dataSource());
    }

    @AfterAll
    void dropFixture() throws Exception {
        if (database != null) {
            database.drop().close();
        }
    }

    @Test
    void emptyQueryReturnsEveryInstanceNewestFirst() throws SQLException {
        assertThat(search("")).containsExactlyElementsOf(NEWEST_FIRST);
        assertThat(search("   ")).containsExactlyElementsOf(NEWEST_FIRST);
    }

    @Test
    void modelMatchesByNameInEveryProject() throws SQLException {
        assertThat(search("model = 'supply_rejection'")).containsExactly(SUPPLY_3, SUPPLY_2, SUPPLY_1);
        assertThat(search("model = 'eta'")).containsExactly(DEMAND_ETA_1, PRICING_ETA_1);
        assertThat(search("model != 'supply_rejection'")).containsExactly(SURGE_1, DEMAND_ETA_1, PRICING_ETA_1);
        assertThat(search("model IN ('eta', 'surge')")).containsExactly(SURGE_1, DEMAND_ETA_1, PRICING_ETA_1);
        assertThat(search("model NOT IN ('eta')")).containsExactly(SURGE_1, SUPPLY_3, SUPPLY_2, SUPPLY_1);
        assertThat(search("model LIKE 'supply%'")).containsExactly(SUPPLY_3, SUPPLY_2, SUPPLY_1);
        assertThat(search("model NOT LIKE '%a'")).containsExactly(SURGE_1, SUPPLY_3, SUPPLY_2, SUPPLY_1);
        assertThat(search("model = 'missing'")).isEmpty();
    }

    @Test
    void projectNarrowsModelsOfTheSameName() throws SQLException {
        assertThat(search("project = 'pricing'")).containsExactly(SURGE_1, PRICING_ETA_1);
        assertThat(search("project <> 'demand'")).containsExactly(SURGE_1, PRICING_ETA_1);
        assertThat(search("project = 'demand' AND model = 'eta'")).containsExactly(DEMAND_ETA_1);
        assertThat(search("project IN ('demand') AND model LIKE 'e_a'")).containsExactly(DEMAND_ETA_1);
        assertThat(search("project NOT LIKE 'dem%'")).containsExactly(SURGE_1, PRICING_ETA_1);
    }

    @Test
    void idVersionAuthorAndFormatCompareTheirColumns() throws SQLException {
        assertThat(search("id = '" + SUPPLY_2 + "'")).containsExactly(SUPPLY_2);
        assertThat(search("id IN ('" + SUPPLY_1 + "', '" + SURGE_1 + "')")).containsExactly(SURGE_1, SUPPLY_1);
        assertThat(search("version >= 2")).containsExactly(SUPPLY_3, SUPPLY_2);
        assertThat(search("version = 1")).containsExactly(SURGE_1, DEMAND_ETA_1, SUPPLY_1, PRICING_ETA_1);
        assertThat(search("version <> 1 AND version < 3")).containsExactly(SUPPLY_2);
        assertThat(search("version NOT IN (1, 3)")).containsExactly(SUPPLY_2);
        assertThat(search("created_by = 'alice'")).containsExactly(SUPPLY_3, SUPPLY_1);
        assertThat(search("created_by LIKE 'c%'")).containsExactly(SURGE_1, PRICING_ETA_1);
        assertThat(search("format = 'python'")).containsExactly(SUPPLY_3, PRICING_ETA_1);
        assertThat(search("format IN ('opaque', 'spark-pipeline')"))
                .containsExactly(SURGE_1, DEMAND_ETA_1, SUPPLY_2, SUPPLY_1);
    }

    @Test
    void createdAtComparesUtcTimes() throws SQLException {
        assertThat(search("created_at >= '2026-11-02'")).containsExactly(SURGE_1, SUPPLY_3, DEMAND_ETA_1, SUPPLY_2);
        assertThat(search("created_at < '2026-11-02T10:00:00Z'")).containsExactly(SUPPLY_1, PRICING_ETA_1);
        assertThat(search("created_at = '2026-11-02T10:00:00Z'")).containsExactly(DEMAND_ETA_1, SUPPLY_2);
        assertThat(search("created_at = '2026-11-02T12:00:00+02:00'")).containsExactly(DEMAND_ETA_1, SUPPLY_2);
        assertThat(search("created_at = '2026-11-02T10:00:00'")).containsExactly(DEMAND_ETA_1, SUPPLY_2);
        assertThat(search("created_at = '2026-11-03T10:00:00.123456Z'")).containsExactly(SUPPLY_3);
        assertThat(search("created_at > '2026-11-03T10:00:00Z' AND created_at < '2026-11-04'"))
                .containsExactly(SUPPLY_3);
    }

    @Test
    void deprecatedIsABooleanPredicate() throws SQLException {
        assertThat(search("deprecated")).containsExactly(SURGE_1, SUPPLY_2);
        assertThat(search("NOT deprecated")).containsExactly(SUPPLY_3, DEMAND_ETA_1, SUPPLY_1, PRICING_ETA_1);
        assertThat(search("deprecated = false")).containsExactly(SUPPLY_3, DEMAND_ETA_1, SUPPLY_1, PRICING_ETA_1);
        assertThat(search("deprecated != true")).containsExactly(SUPPLY_3, DEMAND_ETA_1, SUPPLY_1, PRICING_ETA_1);
        assertThat(search("deprecated IN (true)")).containsExactly(SURGE_1, SUPPLY_2);
        assertThat(search("deprecated IS NULL")).isEmpty();
    }

    @Test
    void metadataComparesTextCaseSensitively() throws SQLException {
        assertThat(search("meta.city = 'nyc'")).containsExactly(SUPPLY_3, SUPPLY_1);
        assertThat(search("meta.city IN ('sf', 'NYC')")).containsExactly(SUPPLY_2, PRICING_ETA_1);
        assertThat(search("meta.trainingData LIKE 'hive://trips/%'")).containsExactly(SUPPLY_1);
        assertThat(search("meta.trainingdata IS NOT NULL")).isEmpty();
        assertThat(search("meta.owner = 'o''brien'")).containsExactly(SUPPLY_1);
    }

    @Test
    void metadataComparisonsHoldOnlyWhereTheKeyExists() throws SQLException {
        assertThat(search("meta.city != 'nyc'")).containsExactly(SUPPLY_2, PRICING_ETA_1);
        assertThat(search("NOT meta.city = 'nyc'")).containsExactly(SURGE_1, DEMAND_ETA_1, SUPPLY_2, PRICING_ETA_1);
        assertThat(search("meta.city NOT IN ('nyc')")).containsExactly(SUPPLY_2, PRICING_ETA_1);
        assertThat(search("meta.region IS NOT NULL")).containsExactly(SURGE_1);
        assertThat(search("meta.region IS NULL"))
                .containsExactly(SUPPLY_3, DEMAND_ETA_1, SUPPLY_2, SUPPLY_1, PRICING_ETA_1);
    }

    @Test
    void metadataComparedWithANumberComparesNumerically() throws SQLException {
        assertThat(search("meta.seed > 10")).containsExactly(SUPPLY_3, SUPPLY_1);
        assertThat(search("meta.seed > '10'")).containsExactly(SURGE_1, SUPPLY_3, SUPPLY_2, SUPPLY_1);
        assertThat(search("meta.seed IN (7, 42.0)")).containsExactly(SUPPLY_2, SUPPLY_1);
        assertThat(search("meta.seed = 1e2")).containsExactly(SUPPLY_3);
    }

    @Test
    void likeTreatsBackslashAsTheEscape() throws SQLException {
        assertThat(search("meta.note LIKE '50%'")).containsExactly(SUPPLY_3, PRICING_ETA_1);
        assertThat(search("meta.note LIKE '50\\%%'")).containsExactly(SUPPLY_3);
        assertThat(search("meta.note LIKE '50%\\_off'")).containsExactly(SUPPLY_3);
        assertThat(search("meta.note NOT LIKE '50\\%%'")).containsExactly(PRICING_ETA_1);
    }

    @Test
    void metricsCompareTheLatestValue() throws SQLException {
        assertThat(search("metric.validation.mae < 5")).containsExactly(SUPPLY_3, SUPPLY_2);
        assertThat(search("metric.validation.mae >= 4.2")).containsExactly(SUPPLY_2, SUPPLY_1, PRICING_ETA_1);
        assertThat(search("metric.training.mae = 3")).containsExactly(SUPPLY_1);
        assertThat(search("metric.validation.auc >= 9.1E-1")).containsExactly(SUPPLY_3);
        assertThat(search("metric.validation.mae > -1"))
                .containsExactly(SUPPLY_3, SUPPLY_2, SUPPLY_1, PRICING_ETA_1);
        assertThat(search("metric.validation.mae IN (3.9, 12)")).containsExactly(SUPPLY_3, PRICING_ETA_1);
        assertThat(search("metric.validation.mae IS NULL")).containsExactly(SURGE_1, DEMAND_ETA_1);
        assertThat(search("metric.production.mae IS NOT NULL")).containsExactly(SURGE_1);
    }

    @Test
    void andBindsTighterThanOrAndParenthesesOverrideIt() throws SQLException {
        assertThat(search("model = 'eta' OR model = 'surge' AND deprecated"))
                .containsExactly(SURGE_1, DEMAND_ETA_1, PRICING_ETA_1);
        assertThat(search("(model = 'eta' OR model = 'surge') AND NOT deprecated"))
                .containsExactly(DEMAND_ETA_1, PRICING_ETA_1);
        assertThat(search("NOT model = 'eta' AND NOT deprecated")).containsExactly(SUPPLY_3, SUPPLY_1);
        assertThat(search("NOT (model = 'eta' OR deprecated)")).containsExactly(SUPPLY_3, SUPPLY_1);
    }

    @Test
    void keywordsAndFieldKeysIgnoreCase() throws SQLException {
        assertThat(search("MODEL = 'eta' and Not DEPRECATED order by VERSION desc, Created_At limit 5"))
                .containsExactly(PRICING_ETA_1, DEMAND_ETA_1);
    }

    @Test
    void ordersByColumnsThenInstanceId() throws SQLException {
        assertThat(search("ORDER BY version DESC"))
                .containsExactly(SUPPLY_3, SUPPLY_2, SURGE_1, PRICING_ETA_1, SUPPLY_1, DEMAND_ETA_1);
        assertThat(search("ORDER BY created_at"))
                .containsExactly(PRICING_ETA_1, SUPPLY_1, DEMAND_ETA_1, SUPPLY_2, SUPPLY_3, SURGE_1);
        assertThat(search("ORDER BY deprecated DESC, created_by ASC"))
                .containsExactly(SUPPLY_2, SURGE_1, SUPPLY_1, SUPPLY_3, DEMAND_ETA_1, PRICING_ETA_1);
        assertThat(search("ORDER BY id DESC")).containsExactly(SUPPLY_3, SUPPLY_2, DEMAND_ETA_1, SUPPLY_1,
                PRICING_ETA_1, SURGE_1);
    }

    @Test
    void ordersByModelAndProjectName() throws SQLException {
        assertThat(search("ORDER BY model, version DESC"))
                .containsExactly(PRICING_ETA_1, DEMAND_ETA_1, SUPPLY_3, SUPPLY_2, SUPPLY_1, SURGE_1);
        assertThat(search("ORDER BY project DESC, created_at"))
                .containsExactly(PRICING_ETA_1, SURGE_1, SUPPLY_1, DEMAND_ETA_1, SUPPLY_2, SUPPLY_3);
        assertThat(search("model = 'eta' ORDER BY project, model"))
                .containsExactly(DEMAND_ETA_1, PRICING_ETA_1);
    }

    @Test
    void ordersByMetricWithMissingValuesLastInBothDirections() throws SQLException {
        assertThat(search("ORDER BY metric.validation.mae"))
                .containsExactly(SUPPLY_3, SUPPLY_2, SUPPLY_1, PRICING_ETA_1, SURGE_1, DEMAND_ETA_1);
        assertThat(search("ORDER BY metric.validation.mae DESC"))
                .containsExactly(PRICING_ETA_1, SUPPLY_1, SUPPLY_2, SUPPLY_3, SURGE_1, DEMAND_ETA_1);
    }

    @Test
    void ordersByMetadataNumbersThenTextThenMissing() throws SQLException {
        assertThat(search("ORDER BY meta.seed"))
                .containsExactly(SUPPLY_2, SUPPLY_1, SUPPLY_3, SURGE_1, PRICING_ETA_1, DEMAND_ETA_1);
        assertThat(search("ORDER BY meta.seed DESC"))
                .containsExactly(SUPPLY_3, SUPPLY_1, SUPPLY_2, SURGE_1, PRICING_ETA_1, DEMAND_ETA_1);
        assertThat(search("project = 'demand' ORDER BY meta.city"))
                .containsExactly(SUPPLY_1, SUPPLY_3, SUPPLY_2, DEMAND_ETA_1);
        assertThat(search("project = 'demand' ORDER BY meta.city DESC, version DESC"))
                .containsExactly(SUPPLY_2, SUPPLY_3, SUPPLY_1, DEMAND_ETA_1);
    }

    @Test
    void bindsJoinParametersBeforeFilterParameters() throws SQLException {
        CompiledSearch compiled = compiler.compile(
                "metric.validation.mae < 6 AND meta.city = 'nyc' ORDER BY meta.seed DESC, metric.training.mae", null, null);

        assertThat(compiled.parameters()).containsExactly(
                "seed", "training", "mae", "validation", "mae", 6.0, "city", "nyc", 100, 0);
        assertThat(run(compiled)).containsExactly(SUPPLY_3, SUPPLY_1);
    }

    @Test
    void bindsEveryValueAsATypedParameter() {
        CompiledSearch compiled = compiler.compile("version = 2 AND deprecated = false AND created_by = 'bob'"
                + " AND created_at < '2026-11-03T12:00:00+02:00' AND metric.validation.mae < 5", null, null);

        assertThat(compiled.parameters()).containsExactly(2L, false, "bob",
                LocalDateTime.parse("2026-11-03T10:00:00"), "validation", "mae", 5.0, 100, 0);
        assertThat(compiled.sql().chars().filter(c -> c == '?').count()).isEqualTo(compiled.parameters().size());
    }

    @Test
    void limitAndOffsetPageThroughADeterministicOrder() throws SQLException {
        assertThat(search("LIMIT 2")).containsExactly(SURGE_1, SUPPLY_3);
        assertThat(search("LIMIT 2 OFFSET 2")).containsExactly(DEMAND_ETA_1, SUPPLY_2);
        assertThat(search("model = 'supply_rejection' LIMIT 10 OFFSET 1")).containsExactly(SUPPLY_2, SUPPLY_1);

        List<String> pages = new ArrayList<>();
        for (int offset = 0; offset < NEWEST_FIRST.size() + 1; offset++) {
            pages.addAll(run(compiler.compile("", 1, offset)));
        }
        assertThat(pages).containsExactlyElementsOf(NEWEST_FIRST);
    }

    @Test
    void overridesWinOverTheQuerysLimitAndOffset() throws SQLException {
        CompiledSearch defaults = compiler.compile("model = 'eta'", null, null);
        assertThat(defaults.limit()).isEqualTo(SearchQuery.DEFAULT_LIMIT);
        assertThat(defaults.offset()).isZero();

        CompiledSearch overridden = compiler.compile("LIMIT 2 OFFSET 2", 3, 4);
        assertThat(overridden.limit()).isEqualTo(3);
        assertThat(overridden.offset()).isEqualTo(4);
        assertThat(run(overridden)).containsExactly(SUPPLY_1, PRICING_ETA_1);

        assertThat(run(compiler.compile("LIMIT 2 OFFSET 2", null, 0))).containsExactly(SURGE_1, SUPPLY_3);
        assertThat(run(compiler.compile("LIMIT 2 OFFSET 1", 1000, null))).hasSize(5);
    }

    @Test
    void rejectsOverridesOutOfRangeNamingTheParameter() {
        assertThatThrownBy(() -> compiler.compile("", 1001, null))
                .isInstanceOf(CarraraException.class)
                .hasMessage("limit must be between 1 and 1000 but was 1001")
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("limit"))
                .satisfies(e -> assertThat(((CarraraException) e).errorCode().name()).isEqualTo("INVALID_ARGUMENT"));
        assertThatThrownBy(() -> compiler.compile("", 0, null)).hasMessageContaining("limit must be between");
        assertThatThrownBy(() -> compiler.compile("", null, -1))
                .hasMessage("offset must be 0 or more but was -1")
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("offset"));
    }

    @Test
    void valuesThatLookLikeSqlAreOnlyValues() throws SQLException {
        String hostile = "model = 'x'' OR 1=1 --'";
        CompiledSearch compiled = compiler.compile(hostile, null, null);

        assertThat(compiled.sql()).doesNotContain("1=1").doesNotContain("--");
        assertThat(compiled.parameters()).contains("x' OR 1=1 --");
        assertThat(run(compiled)).isEmpty();
        assertThat(search("meta.city = 'nyc''); DROP TABLE instances; --'")).isEmpty();
        assertThat(search("meta.city LIKE '%'' OR ''1''=''1'")).isEmpty();
        assertThat(search("created_by = '\\'' OR 1=1 --'")).isEmpty();
        assertThat(SearchFixture.count(database.dataSource(), "instances")).isEqualTo(NEWEST_FIRST.size());
    }

    @Test
    void syntaxErrorsAreReportedBeforeAnySql() {
        assertThatThrownBy(() -> compiler.compile("metric.validation.mae <", null, null))
                .isInstanceOf(CarraraException.class)
                .hasMessage("at position 24: expected a value after '<' but found end of query")
                .satisfies(e -> assertThat(((CarraraException) e).errorCode().name()).isEqualTo("SEARCH_SYNTAX"))
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("q"));
    }

    private List<String> search(String query) throws SQLException {
        return run(compiler.compile(query, null, null));
    }

    private List<String> run(CompiledSearch compiled) throws SQLException {
        return SearchFixture.run(database.dataSource(), compiled);
    }
}
