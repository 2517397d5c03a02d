package io.carrara.registry.predictions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.db.TestDatabases.TestDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.spi.error.CarraraException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The prediction log's behaviour, run against every database the registry supports (one subclass each). */
abstract class AbstractPredictionLogStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");
    private static final UUID INSTANCE = UUID.fromString("6f1c4a2e-0000-4000-8000-000000000001");

    private TestDatabase testDatabase;
    private RegistryDatabase database;
    private PredictionLogStore log;

    abstract DatabaseDialect dialect();

    @BeforeEach
    void open() {
        testDatabase = TestDatabases.create(dialect());
        database = RegistryDatabase.open(testDatabase.config());
        log = new PredictionLogStore(database);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
        if (testDatabase != null) {
            testDatabase.close();
        }
    }

    @Test
    void writesABatchAndReadsItBackByDeploymentAndTime() {
        LoggedPrediction first = prediction("p1", "eta", T0.plusNanos(123_456_789));
        LoggedPrediction second = prediction("p2", "eta", T0.plusSeconds(10));
        LoggedPrediction other = prediction("p3", "pricing", T0.plusSeconds(5));
        LoggedPrediction late = prediction("p4", "eta", T0.plusSeconds(60));

        assertThat(log.insertAll(List.of(second, other, first, late))).isEqualTo(4);

        List<LoggedPrediction> found = log.find("eta", T0, T0.plusSeconds(60), 100);
        assertThat(found).extracting(LoggedPrediction::id).containsExactly("p1", "p2");
        LoggedPrediction read = found.get(0);
        assertThat(read.deployment()).isEqualTo("eta");
        assertThat(read.instance()).isEqualTo(INSTANCE);
        assertThat(read.input()).isEqualTo(first.input());
        assertThat(read.output()).isEqualTo(first.output());
        assertThat(read.latencyMicros()).isEqualTo(first.latencyMicros());
        // Kept to the microsecond on every database.
        assertThat(read.createdAt()).isEqualTo(T0.plusNanos(123_456_000));
        assertThat(log.find("eta", T0, T0.plusSeconds(61), 100)).hasSize(3);
        assertThat(log.find("eta", T0, T0.plusSeconds(61), 1)).extracting(LoggedPrediction::id).containsExactly("p1");
        assertThat(log.find("pricing", T0, T0.plusSeconds(61), 100)).extracting(LoggedPrediction::id).containsExactly("p3");
        assertThat(log.find("nothing", T0, T0.plusSeconds(61), 100)).isEmpty();
    }

    @Test
    void writesMoreRowsThanOneJdbcBatchHolds() {
        int count = PredictionLogStore.BATCH_SIZE * 2 + 17;
        List<LoggedPrediction> predictions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            predictions.add(prediction(UUID.randomUUID().toString(), "eta", T0.plusMillis(i)));
        }

        assertThat(log.insertAll(predictions)).isEqualTo(count);
        assertThat(log.insertAll(List.of())).isZero();

        assertThat(log.find("eta", T0, T0.plusSeconds(3600), PredictionLogStore.MAX_FIND_LIMIT)).hasSize(count);
    }

    @Test
    void storesTheServingEnginesJsonTextAsItIs() {
        UUID instance = UUID.randomUUID();
        String input = "{\"city\":\"nyc\",\"distance\":3.5,\"airport\":false}";
        String output = "{\"prediction\":1.0,\"probability\":[0.25,0.75],\"note\":\"NaN\"}";
        assertThat(log.insertAllText(List.of(new PredictionLogStore.LoggedText("t1", "eta", instance, input, output, 42, T0,
                LoggedPrediction.FORMAT_VERSION)))).isEqualTo(1);
        LoggedPrediction read = log.find("eta", T0, T0.plusSeconds(1), 10).get(0);
        assertThat(read.input().toString()).isEqualTo(input);
        assertThat(read.output().toString()).isEqualTo(output);
        assertThat(read.latencyMicros()).isEqualTo(42);
        assertThat(log.insertAllText(List.of())).isZero();
        assertThatThrownBy(() -> new PredictionLogStore.LoggedText("x".repeat(65), "eta", instance, input, output, 1, T0, 1))
                .isInstanceOf(CarraraException.class);
    }

    @Test
    void aBatchWithADuplicateIdWritesNothing() {
        log.insertAll(List.of(prediction("p1", "eta", T0)));

        assertThatThrownBy(() -> log.insertAll(List.of(prediction("p2", "eta", T0), prediction("p1", "eta", T0))))
                .isInstanceOf(CarraraException.class)
                .satisfies(e -> assertThat(((CarraraException) e).errorCode().name()).isEqualTo("CONFLICT"));

        assertThat(log.find("eta", T0, T0.plusSeconds(1), 100)).extracting(LoggedPrediction::id).containsExactly("p1");
    }

    @Test
    void everyPredictionCarriesItsFormatVersionAndRowsLoggedBeforeTheColumnReadAsVersionOne() {
        log.insertAll(List.of(prediction("p1", "eta", T0)));
        // A row as a server before V5 wrote it: no format_version, which the migration's default fills in.
        database.jdbi().useHandle(handle -> handle.execute("""
                INSERT INTO predictions (prediction_id, deployment, instance_id, input, output, latency_micros, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", "p0", "eta", INSTANCE.toString(), "{\"city\":\"nyc\"}", "{\"prediction\":1.0}", 5,
                io.carrara.registry.db.DatabaseTimes.toDb(T0.minusSeconds(1))));

        List<LoggedPrediction> found = log.find("eta", T0.minusSeconds(1), T0.plusSeconds(1), 10);

        assertThat(found).extracting(LoggedPrediction::id).containsExactly("p0", "p1");
        assertThat(found).extracting(LoggedPrediction::formatVersion).containsExactly(1, LoggedPrediction.FORMAT_VERSION);
        assertThat(found.get(0).input().get("city").asText()).isEqualTo("nyc");
        assertThatThrownBy(() -> new LoggedPrediction("p2", "eta", INSTANCE, found.get(0).input(), found.get(0).output(), 1, T0, 0))
                .isInstanceOf(CarraraException.class).hasMessageContaining("formatVersion");
    }

    @Test
    void refusesBadQueriesAndValues() {
        assertThatThrownBy(() -> log.find("eta", T0, T0.plusSeconds(1), 0)).isInstanceOf(CarraraException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> log.find("eta", T0.plusSeconds(1), T0, 10)).isInstanceOf(CarraraException.class)
                .hasMessageContaining("before");
        assertThatThrownBy(() -> log.find("bad name!", T0, T0, 10)).isInstanceOf(CarraraException.class);
        assertThatThrownBy(() -> prediction("x".repeat(65), "eta", T0)).isInstanceOf(CarraraException.class)
                .hasMessageContaining("64");
    }

    private static LoggedPrediction prediction(String id, String deployment, Instant at) {
        ObjectNode input = RegistryJson.mapper().createObjectNode().put("city", "nyc").put("distance_km", 3.5);
        input.putArray("tags").add("a").add("ü");
        JsonNode output = RegistryJson.mapper().createObjectNode().put("prediction", 12.25).putNull("probability");
        return new LoggedPrediction(id, deployment, INSTANCE, input, output, 840, at);
    }
}
