package io.carrara.serving.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.pipeline.linalg.DenseVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID INSTANCE = UUID.randomUUID();

    @TempDir
    Path directory;

    private final Map<String, AtomicLong> drops = new ConcurrentHashMap<>();

    @Test
    void writesQueuedPredictionsAsJsonLines() throws Exception {
        Path file = directory.resolve("logs").resolve("predictions.jsonl");
        try (JsonLinesPredictionSink sink = new JsonLinesPredictionSink(file)) {
            PredictionLog log = new PredictionLog(sink, 100, 10, Duration.ZERO, this::dropped);
            for (int i = 0; i < 25; i++) {
                assertThat(log.offer(prediction("fraud", i))).isTrue();
            }
            log.close();
            assertThat(log.written()).isEqualTo(25);
            assertThat(log.dropped()).isZero();
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(25);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("deployment").asText()).isEqualTo("fraud");
        assertThat(first.get("instance").asText()).isEqualTo(INSTANCE.toString());
        assertThat(first.get("input").get("row").asInt()).isZero();
        assertThat(first.get("output").get("probability").toString()).isEqualTo("[0.25,\"NaN\"]");
        assertThat(first.get("latencyMicros").asLong()).isEqualTo(1500);
        assertThat(first.get("formatVersion").asInt()).isEqualTo(1);
        assertThat(JsonLinesPredictionSink.formatVersion(first)).isEqualTo(JsonLinesPredictionSink.FORMAT_VERSION);
    }

    @Test
    void aLineWithoutAFormatVersionIsVersionOne() throws Exception {
        // As every server before the field wrote them.
        JsonNode old = JSON.readTree("""
                {"id": "p1", "deployment": "fraud", "instance": "6f1c4a2e-0000-4000-8000-000000000001",
                 "time": "2026-11-22T03:00:00Z", "latencyMicros": 1500, "input": {"row": 0}, "output": {"prediction": 1.0}}""");

        assertThat(JsonLinesPredictionSink.formatVersion(old)).isEqualTo(1);
        assertThat(JsonLinesPredictionSink.formatVersion(JSON.readTree("{\"formatVersion\": 2}"))).isEqualTo(2);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        PredictionLog log = new PredictionLog(batch -> {
            writing.countDown();
            release.await();
        }, 2, 1, Duration.ZERO, this::dropped);
        log.offer(prediction("fraud", 0));
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue(); // the writer holds one, the queue has room for two

        long start = System.nanoTime();
        boolean[] accepted = new boolean[5];
        for (int i = 0; i < accepted.length; i++) {
            accepted[i] = log.offer(prediction(i % 2 == 0 ? "fraud" : "eta", i + 1));
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        release.countDown();
        log.close();

        assertThat(accepted).containsExactly(true, true, false, false, false);
        assertThat(elapsedMillis).isLessThan(1000);
        assertThat(log.dropped()).isEqualTo(3);
        assertThat(log.written()).isEqualTo(3);
        assertThat(drops.get("fraud").get()).isEqualTo(2);
        assertThat(drops.get("eta").get()).isEqualTo(1);
    }

    @Test
    void theWriterLingersForABatchButNotPastAFullOneOrAClose() throws Exception {
        List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        PredictionLog lingering = new PredictionLog(batch -> batches.add(batch.size()), 100, 3, Duration.ofMinutes(1),
                this::dropped);
        for (int i = 0; i < 5; i++) {
            lingering.offer(prediction("fraud", i));
        }
        waitUntil(() -> !batches.isEmpty());
        assertThat(batches).as("a full batch is written at once, a minute's linger or not").containsExactly(3);

        long start = System.nanoTime();
        lingering.close();
        assertThat((System.nanoTime() - start) / 1_000_000).as("close writes the rest without lingering").isLessThan(5_000);
        assertThat(batches).containsExactly(3, 2);
        assertThat(lingering.written()).isEqualTo(5);

        List<Integer> steady = new java.util.concurrent.CopyOnWriteArrayList<>();
        PredictionLog log = new PredictionLog(batch -> steady.add(batch.size()), 100, 100, Duration.ofSeconds(2),
                this::dropped);
        for (int i = 0; i < 10; i++) {
            log.offer(prediction("fraud", i));
            Thread.sleep(5);
        }
        waitUntil(() -> log.written() == 10);
        log.close();
        assertThat(steady).as("ten predictions 5 ms apart, within one linger: one write").containsExactly(10);
    }

    @Test
    void aFailingSinkLosesOnlyItsBatchAndCountsIt() {
        AtomicLong calls = new AtomicLong();
        PredictionLog log = new PredictionLog(batch -> {
            if (calls.incrementAndGet() == 1) {
                throw new java.io.IOException("disk full");
            }
        }, 100, 100, Duration.ZERO, this::dropped);
        log.offer(prediction("fraud", 0));
        waitUntil(() -> calls.get() >= 1);
        log.offer(prediction("fraud", 1));
        log.close();

        assertThat(log.dropped()).isEqualTo(1);
        assertThat(log.written()).isEqualTo(1);
        assertThat(drops.get("fraud").get()).isEqualTo(1);
    }

    @Test
    void aPredictionGivesItsInputAndOutputAsJsonForADatabaseSink() {
        LoggedPrediction prediction = prediction("fraud", 3);

        assertThat(prediction.inputJson()).isEqualTo("{\"row\":3}");
        assertThat(prediction.outputJson()).isEqualTo("{\"probability\":[0.25,\"NaN\"]}");
    }

    @Test
    void predictionIdsAreTimeOrderedVersion7Uuids() {
        String early = PredictionIds.next(1_700_000_000_000L);
        String late = PredictionIds.next(1_700_000_000_001L);

        assertThat(UUID.fromString(early).version()).isEqualTo(7);
        assertThat(UUID.fromString(early).variant()).isEqualTo(2);
        assertThat(early.compareTo(late)).isNegative();
        assertThat(PredictionIds.next()).isNotEqualTo(PredictionIds.next());
    }

    private void dropped(String deployment, long count) {
        drops.computeIfAbsent(deployment, d -> new AtomicLong()).addAndGet(count);
    }

    private static LoggedPrediction prediction(String deployment, int row) {
        return new LoggedPrediction(PredictionIds.next(), deployment, INSTANCE, Map.of("row", row),
                Map.of("probability", new DenseVector(new double[] {0.25, Double.NaN})), 1500, Instant.now());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.onSpinWait();
        }
    }
}
