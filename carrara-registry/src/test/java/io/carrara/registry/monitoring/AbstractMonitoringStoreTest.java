package io.carrara.registry.monitoring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.db.TestDatabases.TestDatabase;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.deploy.NewDeployment;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewInstance.ArtifactSpec;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.registry.predictions.LoggedPrediction;
import io.carrara.registry.predictions.PredictionLogStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Monitoring settings and outcomes, run against every database the registry supports (one subclass each). */
abstract class AbstractMonitoringStoreTest {
    private static final String USER = "alice";

    @TempDir
    Path blobRoot;

    private TestDatabase testDatabase;
    private RegistryDatabase database;
    private FileSystemBlobStore blobs;
    private MonitoringStore monitoring;
    private PredictionLogStore log;
    private UUID instance;

    abstract DatabaseDialect dialect();

    @BeforeEach
    void open() throws IOException {
        testDatabase = TestDatabases.create(dialect());
        database = RegistryDatabase.open(testDatabase.config());
        blobs = new FileSystemBlobStore(blobRoot);
        ModelRegistry registry = new ModelRegistry(database, blobs);
        DeploymentRegistry deployments = new DeploymentRegistry(database);
        registry.createProject(new NewProject("risk", null), USER);
        registry.createModel("risk", NewModel.named("fraud"), USER);
        StoredBlob blob = blobs.put(new ByteArrayInputStream("model".getBytes(UTF_8)), 1 << 20);
        instance = registry.createInstance(new io.carrara.spi.model.ModelRef("risk", "fraud"),
                new NewInstance(new ArtifactSpec(blob.sha256(), "opaque", null), null, null), USER).id();
        deployments.deploy(NewDeployment.pinned("fraud", instance), USER);
        deployments.deploy(NewDeployment.pinned("fraud-value", instance), USER);
        monitoring = new MonitoringStore(database, deployments);
        log = new PredictionLogStore(database);
    }

    @AfterEach
    void close() throws IOException {
        if (database != null) {
            database.close();
        }
        if (blobs != null) {
            blobs.close();
        }
        if (testDatabase != null) {
            testDatabase.close();
        }
    }

    private void logged(String deployment, String... ids) {
        List<LoggedPrediction> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(new LoggedPrediction(id, deployment, instance, RegistryJson.mapper().createObjectNode(),
                    RegistryJson.mapper().createObjectNode().put("prediction", 1.0), 100, Instant.parse("2026-12-01T10:00:00Z")));
        }
        log.insertAll(rows);
    }

    @Test
    void outcomesNeedADeclaredTask() {
        assertThatThrownBy(() -> monitoring.loadOutcomes("fraud", List.of(new NewOutcome("p1", IntNode.valueOf(1), null)), USER))
                .isInstanceOf(CarraraException.class).hasMessageContaining("carrara monitor configure fraud --task");
        assertThatThrownBy(() -> monitoring.configure("no-such-deployment", MonitoringTask.REGRESSION, USER))
                .isInstanceOf(CarraraException.class);
        MonitoringSettings settings = monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, USER);
        assertThat(monitoring.settings("fraud")).contains(settings);
        assertThat(monitoring.configure("fraud", MonitoringTask.REGRESSION, "bob").task()).isEqualTo(MonitoringTask.REGRESSION);
        assertThat(monitoring.settings("fraud").orElseThrow().updatedBy()).isEqualTo("bob");
        assertThat(monitoring.settings("fraud-value")).isEmpty();
    }

    @Test
    void countsDuplicatesOrphansAndRejectsBadRowsAlone() {
        monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, USER);
        logged("fraud", "p1", "p2", "p3");
        logged("fraud-value", "p4");

        OutcomeLoad first = monitoring.loadOutcomes("fraud", java.util.Arrays.asList(
                new NewOutcome("p1", IntNode.valueOf(1), "2026-12-01T11:00:00Z"),
                new NewOutcome("p2", BooleanNode.FALSE, "2026-12-01T11:00:00+01:00"),
                new NewOutcome("p2", DoubleNode.valueOf(1.0), null),              // the same prediction again: the last one wins
                new NewOutcome("p4", IntNode.valueOf(0), null),                   // another deployment's prediction: an orphan here
                new NewOutcome("unknown", IntNode.valueOf(1), null),              // no such prediction (yet): an orphan
                new NewOutcome("p3", TextNode.valueOf("yes"), null),              // not a class
                new NewOutcome("p3", IntNode.valueOf(2), null),                   // not 0 or 1
                new NewOutcome("p3", null, null),                                 // missing
                new NewOutcome(null, IntNode.valueOf(1), null),
                new NewOutcome("x".repeat(65), IntNode.valueOf(1), null),
                new NewOutcome("p3", IntNode.valueOf(1), "yesterday"),
                new NewOutcome("p3", IntNode.valueOf(1), "2999-01-01T00:00:00Z"),
                null), USER);
        assertThat(first.received()).isEqualTo(13);
        assertThat(first.accepted()).isEqualTo(5);
        assertThat(first.duplicates()).isEqualTo(1);
        assertThat(first.orphans()).isEqualTo(2);
        assertThat(first.rejected()).isEqualTo(8);
        assertThat(first.problems()).extracting(OutcomeLoad.Problem::field).containsExactly("[5].outcome", "[6].outcome",
                "[7].outcome", "[8].predictionId", "[9].predictionId", "[10].observedAt", "[11].observedAt", "[12]");
        assertThat(first.problems().get(0).reason()).contains("must be 0 or 1");

        // A later load replaces earlier outcomes of the same predictions and counts them.
        OutcomeLoad second = monitoring.loadOutcomes("fraud", List.of(new NewOutcome("p1", IntNode.valueOf(0), null),
                new NewOutcome("p3", IntNode.valueOf(1), null)), USER);
        assertThat(second.accepted()).isEqualTo(2);
        assertThat(second.duplicates()).isEqualTo(1);
        assertThat(second.orphans()).isZero();
        List<String> stored = database.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT prediction_id, outcome FROM outcomes WHERE deployment = 'fraud' ORDER BY prediction_id")
                .map((rs, ctx) -> rs.getString(1) + "=" + rs.getString(2)).list());
        assertThat(stored).containsExactly("p1=0", "p2=1", "p3=1", "p4=0", "unknown=1");
    }

    @Test
    void aRegressionTakesFiniteNumbersNotClasses() {
        monitoring.configure("fraud-value", MonitoringTask.REGRESSION, USER);
        OutcomeLoad load = monitoring.loadOutcomes("fraud-value", List.of(new NewOutcome("p4", DoubleNode.valueOf(12.5), null),
                new NewOutcome("p5", TextNode.valueOf("fraud"), null), new NewOutcome("p6", BooleanNode.TRUE, null),
                new NewOutcome("p7", RegistryJson.mapper().createObjectNode(), null)), USER);
        assertThat(load.accepted()).isEqualTo(1);
        assertThat(load.problems()).extracting(OutcomeLoad.Problem::reason).first().asString()
                .contains("must be a finite number for a regression deployment").contains("is the deployment's task classification?");
    }

    @Test
    void aLoadIsBoundedAndLargeLoadsAreWrittenWhole() {
        monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, USER);
        assertThatThrownBy(() -> monitoring.loadOutcomes("fraud", List.of(), USER)).isInstanceOf(CarraraException.class)
                .hasMessageContaining("1 to 10000");
        List<NewOutcome> many = new ArrayList<>(Collections.nCopies(MonitoringStore.MAX_OUTCOMES_PER_LOAD, null));
        for (int i = 0; i < many.size(); i++) {
            many.set(i, new NewOutcome("q" + i, IntNode.valueOf(i % 2), null));
        }
        OutcomeLoad load = monitoring.loadOutcomes("fraud", many, USER);
        assertThat(load.accepted()).isEqualTo(10_000);
        assertThat(load.orphans()).isEqualTo(10_000);
        JsonNode count = IntNode.valueOf(database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM outcomes")
                .mapTo(Integer.class).one()));
        assertThat(count.asInt()).isEqualTo(10_000);
        many.add(new NewOutcome("one-more", IntNode.valueOf(1), null));
        assertThatThrownBy(() -> monitoring.loadOutcomes("fraud", many, USER)).isInstanceOf(CarraraException.class);
    }
    @Test
    void settingsKeepTheOutcomeKeyTheLookbackAndTheWindowSizes() {
        MonitoringSettings settings = monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, List.of(), "trip_id",
                MonitoringSettings.parseLookback("36h", "lookback"), WindowSize.parseAll(List.of("1h", "15m", "24h"), "windows"), USER);
        assertThat(settings.windows()).extracting(WindowSize::name).containsExactly("1d", "1h", "15m");
        assertThat(monitoring.settings("fraud")).contains(settings);
        assertThat(settings.primary().name()).isEqualTo("1d");
        assertThat(settings.lookback()).isEqualTo(java.time.Duration.ofHours(36));
        assertThat(MonitoringSettings.lookbackText(settings.lookback())).isEqualTo("36h");
        assertThat(WindowSize.parse("60m", "w").name()).isEqualTo("1h");
        assertThat(WindowSize.parse("90m", "w").floor(Instant.parse("2026-12-01T02:59:00Z"))).isEqualTo(Instant.parse("2026-12-01T01:30:00Z"));
        for (String bad : List.of("7m", "2d", "0h", "1w", "4m", "")) {
            assertThatThrownBy(() -> WindowSize.parse(bad, "windows[0]")).isInstanceOf(CarraraException.class)
                    .hasMessageContaining("windows[0]");
        }
        assertThatThrownBy(() -> WindowSize.parseAll(List.of("1h", "60m"), "windows")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> WindowSize.parseAll(List.of("5m", "10m", "15m", "30m", "1h"), "windows")).hasMessageContaining("at most 4");
        for (String bad : List.of("0d", "400d", "14", "2w", "-1d")) {
            assertThatThrownBy(() -> MonitoringSettings.parseLookback(bad, "lookback")).isInstanceOf(CarraraException.class)
                    .hasMessageContaining("lookback");
        }
        assertThatThrownBy(() -> monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, List.of(), "trip id",
                MonitoringSettings.DEFAULT_LOOKBACK, WindowSize.DEFAULTS, USER)).hasMessageContaining("outcomeKey");
        // Configured without them again: no key, the default lookback and windows.
        MonitoringSettings plain = monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, USER);
        assertThat(plain.outcomeKey()).isNull();
        assertThat(monitoring.settings("fraud").orElseThrow().windows()).isEqualTo(WindowSize.DEFAULTS);
    }

    private void loggedWithInput(String id, String input, String madeAt) {
        log.insertAll(List.of(new LoggedPrediction(id, "fraud", instance, RegistryJson.readTree(input),
                RegistryJson.mapper().createObjectNode().put("prediction", 1.0), 100, Instant.parse(madeAt))));
    }

    private int copyKeys() {
        MonitoringSettings settings = monitoring.settings("fraud").orElseThrow();
        Instant now = Instant.now();
        return database.inTransaction(handle -> MonitoringStore.copyKeys(handle, settings, Instant.EPOCH, now, now));
    }

    private List<String> storedOutcomes(String table, String column) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT " + column + ", outcome FROM " + table
                        + " WHERE deployment = 'fraud' ORDER BY " + column)
                .map((rs, ctx) -> rs.getString(1) + "=" + rs.getString(2)).list());
    }

    @Test
    void keyedOutcomesMatchTheLatestPredictionOfTheirKeyWithinTheLookbackOrWait() {
        monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, List.of(), "trip_id", java.time.Duration.ofDays(2),
                WindowSize.DEFAULTS, USER);
        loggedWithInput("a1", "{\"trip_id\": \"T1\", \"distance\": 3.5}", "2026-12-01T10:00:00Z");
        loggedWithInput("a2", "{\"trip_id\": \"T1\", \"distance\": 3.5}", "2026-12-02T10:00:00Z");   // T1 scored again
        loggedWithInput("a3", "{\"trip_id\": 7.0}", "2026-12-01T10:00:00Z");
        loggedWithInput("a4", "{\"distance\": 1}", "2026-12-01T10:00:00Z");                      // no key
        assertThat(copyKeys()).isZero();
        List<String> keys = database.jdbi().withHandle(handle -> handle.createQuery("SELECT prediction_id, outcome_key FROM"
                        + " predictions WHERE deployment = 'fraud' ORDER BY prediction_id")
                .map((rs, ctx) -> rs.getString(1) + "=" + rs.getString(2)).list());
        assertThat(keys).containsExactly("a1=T1", "a2=T1", "a3=7", "a4=");

        OutcomeLoad load = monitoring.loadOutcomes("fraud", java.util.Arrays.asList(
                NewOutcome.keyed("T1", IntNode.valueOf(1), "2026-12-01T12:00:00Z"),   // only a1 was made before it
                NewOutcome.keyed("T1", IntNode.valueOf(0), "2026-12-02T12:00:00Z"),   // the same key again: a2, the latest
                NewOutcome.keyed("7", IntNode.valueOf(1), "2026-12-05T10:00:00Z"),    // a3 is older than the 2-day lookback
                NewOutcome.keyed("T9", IntNode.valueOf(1), "2026-12-03T12:00:00Z"),   // not logged yet
                new NewOutcome("a4", "T1", IntNode.valueOf(1), null),                  // both: refused
                NewOutcome.keyed("", IntNode.valueOf(1), null),                        // refused
                NewOutcome.keyed("T1", IntNode.valueOf(3), null)), USER);              // not a class: refused
        assertThat(load.accepted()).isEqualTo(4);
        assertThat(load.duplicates()).isEqualTo(1);
        assertThat(load.orphans()).isEqualTo(2);
        assertThat(load.problems()).extracting(OutcomeLoad.Problem::field).containsExactly("[4]", "[5].key", "[6].outcome");
        assertThat(storedOutcomes("outcomes", "prediction_id")).containsExactly("a2=0");
        assertThat(storedOutcomes("keyed_outcomes", "outcome_key")).containsExactly("7=1", "T9=1");
        assertThat(monitoring.waitingKeyedOutcomes("fraud")).isEqualTo(2);

        // T9's prediction is logged; the monitor copies its key and matches the waiting outcome to it.
        loggedWithInput("a9", "{\"trip_id\": \"T9\"}", "2026-12-03T11:00:00Z");
        assertThat(copyKeys()).isEqualTo(1);
        assertThat(storedOutcomes("outcomes", "prediction_id")).containsExactly("a2=0", "a9=1");
        assertThat(storedOutcomes("keyed_outcomes", "outcome_key")).containsExactly("7=1");

        // "7" waits; its prediction is logged and keyed; a corrected outcome for "7" then matches it at once and replaces
        // the waiting one rather than leaving it behind.
        loggedWithInput("a7", "{\"trip_id\": 7}", "2026-12-05T09:00:00Z");
        copyKeys();   // matches the waiting "7" (observed 12-05 10:00) with a7
        assertThat(storedOutcomes("outcomes", "prediction_id")).containsExactly("a2=0", "a7=1", "a9=1");
        OutcomeLoad waitingAgain = monitoring.loadOutcomes("fraud", List.of(NewOutcome.keyed("T5", IntNode.valueOf(1),
                "2026-12-05T10:00:00Z")), USER);
        assertThat(waitingAgain.orphans()).isEqualTo(1);
        loggedWithInput("a5", "{\"trip_id\": \"T5\"}", "2026-12-05T09:30:00Z");
        database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE predictions SET outcome_key = 'T5' WHERE prediction_id = 'a5'")
                .execute());   // keyed, as a run would, without matching the waiting outcome
        OutcomeLoad corrected = monitoring.loadOutcomes("fraud", List.of(NewOutcome.keyed("T5", IntNode.valueOf(0),
                "2026-12-05T11:00:00Z")), USER);
        assertThat(corrected.orphans()).isZero();
        assertThat(corrected.duplicates()).isEqualTo(1);
        assertThat(storedOutcomes("keyed_outcomes", "outcome_key")).isEmpty();
        assertThat(storedOutcomes("outcomes", "prediction_id")).contains("a5=0");

        // A key on a deployment without one is refused, naming what to do.
        monitoring.configure("fraud-value", MonitoringTask.REGRESSION, USER);
        OutcomeLoad unkeyed = monitoring.loadOutcomes("fraud-value", List.of(NewOutcome.keyed("T1", IntNode.valueOf(3), null)), USER);
        assertThat(unkeyed.problems()).extracting(OutcomeLoad.Problem::reason).first().asString().contains("--outcome-key");

        // Another key field: the keys are copied again from the inputs.
        monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, List.of(), "distance", java.time.Duration.ofDays(2),
                WindowSize.DEFAULTS, USER);
        copyKeys();
        String copied = database.jdbi().withHandle(handle -> handle.createQuery("SELECT outcome_key FROM predictions"
                + " WHERE prediction_id = 'a4'").mapTo(String.class).one());
        assertThat(copied).isEqualTo("1");
    }
}
