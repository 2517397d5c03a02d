package io.carrara.serving.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.registry.deploy.Deployment;
import io.carrara.registry.deploy.Deployment.MissingFeatures;
import io.carrara.registry.deploy.FeatureLookup;
import io.carrara.registry.deploy.Routing;
import io.carrara.registry.model.Instance;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.engine.ServingEngineConfig.LoadMode;
import io.carrara.serving.features.EmbeddedFeatureStore;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.log.JsonLinesPredictionSink;
import io.carrara.serving.log.PredictionSink;
import io.carrara.serving.predict.ModelStatus;
import io.carrara.serving.predict.PredictionRequest;
import io.carrara.serving.predict.PredictionResult;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.serving.predict.RowError;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingEngineTest {
    @TempDir
    Path home;

    private TestRegistry registry;
    private Instance lr;
    private Instance gbt;
    private FeatureStore features;
    private final AtomicInteger featureReads = new AtomicInteger();
    private JsonLinesPredictionSink sink;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ModelCache cache;
    private ServingEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        registry = new TestRegistry(home.resolve("blobs"));
        lr = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_LR);
        gbt = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_GBT);
        features = new CountingFeatureStore(EmbeddedFeatureStore.open(home.resolve("features")));
        sink = new JsonLinesPredictionSink(home.resolve("predictions.jsonl"));
        engine = engine(ServingEngineConfig.DEFAULTS, sink);
    }

    @AfterEach
    void tearDown() throws IOException {
        engine.close();
        cache.close();
        sink.close();
        features.close();
        registry.close();
    }

    @Test
    void aPinnedDeploymentScoresEveryRowWithItsInstanceAndLogsThem() throws IOException {
        engine.apply(List.of(deployment("fares", new Routing.Pinned(lr.id()), 1.0))).join();
        List<Map<String, Object>> rows = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 3);

        PredictionResult result = engine.predict("fares", new PredictionRequest(rows, Optional.empty()));

        assertThat(result.rows()).extracting(PredictionResult.Row::status).containsOnly(Status.SCORED);
        assertThat(result.rows()).extracting(PredictionResult.Row::instance).containsOnly(lr.id());
        assertThat(result.rows().get(0).output().orElseThrow()).containsKeys("city", "prediction", "probability");
        assertThat(result.rows().get(0).added()).extracting(field -> field.name()).contains("prediction");
        assertThat(result.rows()).allSatisfy(row -> assertThat(row.predictionId()).isPresent());
        ModelStatus status = engine.status("fares");
        assertThat(status.ready()).isTrue();
        assertThat(status.platform()).isEqualTo("spark-pipeline");
        assertThat(status.instances()).containsExactly(lr.id());
        assertThat(status.outputs()).extracting(field -> field.name()).contains("prediction");
        assertThat(engine.ready()).isTrue();

        engine.close();
        List<String> logged = Files.readAllLines(home.resolve("predictions.jsonl"));
        assertThat(logged).hasSize(3);
        assertThat(logged.get(0)).contains(result.rows().get(0).predictionId().orElseThrow()).contains("\"deployment\":\"fares\"")
                .contains("\"prediction\":");
        assertThat(meters.get("carrara.predictions.requests").tag("deployment", "fares").counter().count()).isEqualTo(1);
        assertThat(meters.get("carrara.predictions.latency").tag("deployment", "fares").timer().count()).isEqualTo(1);
        assertThat(meters.get("carrara.model.load").tag("deployment", "fares").timer().count()).isEqualTo(1);
        assertThat(meters.get("carrara.model.cache.models").gauge().value()).isEqualTo(1);
    }

    @Test
    void outputsNarrowTheAnswerTheLogAndTheMetadataToTheNamedColumns() throws IOException {
        engine.apply(List.of(deployment("fares", new Routing.Pinned(lr.id()), 1.0, List.of("probability", "prediction")))).join();
        List<Map<String, Object>> rows = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 2);

        PredictionResult result = engine.predict("fares", new PredictionRequest(rows, Optional.empty()));

        assertThat(result.rows()).extracting(PredictionResult.Row::status).containsOnly(Status.SCORED);
        assertThat(result.rows()).allSatisfy(row -> assertThat(row.added()).extracting(field -> field.name())
                .containsExactly("probability", "prediction"));
        assertThat(engine.status("fares").outputs()).extracting(field -> field.name()).containsExactly("probability", "prediction");
        engine.close();
        List<String> logged = Files.readAllLines(home.resolve("predictions.jsonl"));
        assertThat(logged).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"prediction\":").contains("\"probability\":")
                .doesNotContain("rawPrediction"));
    }

    @Test
    void aRowWhoseInstanceLacksANamedOutputFailsAndTheCheckRefusesSuchAnInstanceOnceItsColumnsAreKnown() {
        engine.apply(List.of(deployment("fares", new Routing.Pinned(lr.id()), 1.0, List.of("prediction", "eta")))).join();
        List<Map<String, Object>> rows = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 2);

        PredictionResult result = engine.predict("fares", new PredictionRequest(rows, Optional.empty()));

        assertThat(result.rows()).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(Status.FAILED);
            assertThat(row.predictionId()).as("a failed row is not logged").isEmpty();
            assertThat(row.error().orElseThrow().code()).isEqualTo(ServingErrorCode.OUTPUT_MISSING.toErrorCode());
            assertThat(row.error().orElseThrow().message()).contains("adds no column eta of the deployment's outputs [prediction, eta]")
                    .contains("rawPrediction, probability, prediction");
        });
        assertThat(meters.get("carrara.predictions.errors").tags("deployment", "fares", "kind", "row").counter().count()).isEqualTo(2);
        assertThatCode(() -> engine.check(deployment("fares", new Routing.Pinned(lr.id()), 1.0, List.of("prediction"))))
                .doesNotThrowAnyException();
        CarraraException refused = catchThrowableOfType(CarraraException.class,
                () -> engine.check(deployment("fares", new Routing.Pinned(lr.id()), 1.0, List.of("prediction", "eta"))));
        assertThat(refused.errorCode()).isEqualTo(StandardErrorCode.INVALID_ARGUMENT.toErrorCode());
        assertThat(refused.field()).contains("outputs");
        assertThat(refused.getMessage()).contains("instance " + lr.id()).contains("adds no column eta");
    }

    @Test
    void aPartitionedDeploymentRoutesByTheFieldsTextWithAFallback() {
        engine.apply(List.of(deployment("fares",
                new Routing.Partitioned("city", Map.of("new_york", gbt.id(), "7", gbt.id()), lr.id()), 0.0))).join();
        Map<String, Object> row = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0);
        Map<String, Object> newYork = with(row, "city", "new_york");
        Map<String, Object> denver = with(row, "city", "denver");
        Map<String, Object> noCity = with(row, "city", null);

        PredictionResult result = engine.predict("fares", new PredictionRequest(List.of(newYork, denver, noCity), Optional.empty()));

        assertThat(result.rows()).extracting(PredictionResult.Row::instance).containsExactly(gbt.id(), lr.id(), lr.id());
        assertThat(result.rows().get(0).status()).isEqualTo(Status.SCORED);
        assertThat(result.rows().get(1).status()).isEqualTo(Status.SCORED);
        assertThat(result.rows()).allSatisfy(scored -> assertThat(scored.predictionId()).as("sampling rate 0").isEmpty());
        assertThat(Router.of(new Routing.Partitioned("zone", Map.of("7", gbt.id()), lr.id())).route(Map.of("zone", 7.0)))
                .as("a whole number routes the same as its text").isEqualTo(gbt.id());
    }

    @Test
    void aRequestMayPinAnyInstanceOfTheDeploymentsModelOnly() {
        engine.apply(List.of(deployment("fares", new Routing.Pinned(lr.id()), 0.0))).join();
        List<Map<String, Object>> rows = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 2);
        Instance other = registry.upload(TestRegistry.OTHER, "bare-logistic-regression");

        PredictionResult pinned = engine.predict("fares", new PredictionRequest(rows, Optional.of(gbt.id())));
        CarraraException otherModel = catchThrowableOfType(CarraraException.class,
                () -> engine.predict("fares", new PredictionRequest(rows, Optional.of(other.id()))));
        CarraraException unknown = catchThrowableOfType(CarraraException.class,
                () -> engine.predict("fares", new PredictionRequest(rows, Optional.of(UUID.randomUUID()))));

        assertThat(pinned.rows()).extracting(PredictionResult.Row::instance).containsOnly(gbt.id());
        assertThat(pinned.rows()).extracting(PredictionResult.Row::status).containsOnly(Status.SCORED);
        for (CarraraException error : List.of(otherModel, unknown)) {
            assertThat(error.errorCode()).isEqualTo(StandardErrorCode.INVALID_ARGUMENT.toErrorCode());
            assertThat(error.field()).contains("instance");
            assertThat(error.getMessage()).contains("demand/trips");
        }
        assertThat(otherModel.getMessage()).contains("is an instance of demand/other");
        assertThat(meters.get("carrara.predictions.errors").tags("deployment", "fares", "kind", "request").counter().count()).isEqualTo(2);
    }

    @Test
    void anUnknownDeploymentIsNotFound() {
        CarraraException predict = catchThrowableOfType(CarraraException.class,
                () -> engine.predict("nope", new PredictionRequest(List.of(), Optional.empty())));
        CarraraException status = catchThrowableOfType(CarraraException.class, () -> engine.status("nope"));

        assertThat(predict.errorCode()).isEqualTo(StandardErrorCode.NOT_FOUND.toErrorCode());
        assertThat(status.errorCode()).isEqualTo(StandardErrorCode.NOT_FOUND.toErrorCode());
        assertThat(predict.getMessage()).contains("nope");
    }

    @Test
    void featuresAreJoinedWithOneReadPerGroupAndMissingOnesAreNull() {
        features.put("trip_stats", "t1", Map.of("distance", 3.2, "duration", 8.7));
        features.put("trip_stats", "t2", Map.of("distance", 1.5, "duration", 4.0));
        engine.apply(List.of(new Deployment("fares", TestRegistry.TRIPS, new Routing.Pinned(lr.id()),
                List.of(new FeatureLookup("trip_stats", "trip", List.of("distance", "duration"))), MissingFeatures.NULL, 0.0, List.of(), 1,
                Instant.now(), "alice"))).join();
        Map<String, Object> row = without(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0), "distance", "duration");

        PredictionResult result = engine.predict("fares", new PredictionRequest(
                List.of(with(row, "trip", "t1"), with(row, "trip", "t2"), with(row, "trip", "t1"), with(row, "trip", "t9")), Optional.empty()));

        assertThat(featureReads).hasValue(1);
        assertThat(result.rows()).extracting(PredictionResult.Row::status)
                .containsExactly(Status.SCORED, Status.SCORED, Status.SCORED, Status.SKIPPED);
        assertThat(result.rows().get(0).output().orElseThrow()).containsEntry("distance", 3.2).containsEntry("duration", 8.7);
        assertThat(result.rows().get(1).output().orElseThrow()).containsEntry("distance", 1.5);
        assertThat(row).doesNotContainKey("distance");
    }

    @Test
    void rejectingMissingFeaturesFailsOnlyThoseRowsNamingGroupAndKey() {
        features.put("trip_stats", "t1", Map.of("distance", 3.2, "duration", 8.7));
        engine.apply(List.of(new Deployment("fares", TestRegistry.TRIPS, new Routing.Pinned(lr.id()),
                List.of(new FeatureLookup("trip_stats", "trip", List.of("distance", "duration"))), MissingFeatures.REJECT, 0.0, List.of(), 1,
                Instant.now(), "alice"))).join();
        Map<String, Object> row = without(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0), "distance", "duration");

        PredictionResult result = engine.predict("fares", new PredictionRequest(
                List.of(with(row, "trip", "t1"), with(row, "trip", "t9"), row), Optional.empty()));

        assertThat(result.rows()).extracting(PredictionResult.Row::status).containsExactly(Status.SCORED, Status.FAILED, Status.FAILED);
        assertThat(result.rows().get(1).error().orElseThrow().message())
                .contains("feature group trip_stats has no distance for key 't9'");
        assertThat(result.rows().get(2).error().orElseThrow().message()).contains("needs the key field trip");
        assertThat(result.rows().get(1).error().orElseThrow())
                .extracting(RowError::code, RowError::column)
                .containsExactly(ServingErrorCode.FEATURE_MISSING.toErrorCode(), Optional.of("distance"));
        assertThat(result.rows().get(2).error().orElseThrow().column()).contains("trip");
        assertThat(meters.get("carrara.predictions.errors").tags("deployment", "fares", "kind", "row").counter().count()).isEqualTo(2);
    }

    @Test
    void aModelThatFailsToLoadMakesOnlyItsDeploymentUnready() {
        Instance broken = registry.uploadBroken(TestRegistry.TRIPS);
        engine.apply(List.of(deployment("broken", new Routing.Pinned(broken.id()), 0.0),
                deployment("fares", new Routing.Pinned(lr.id()), 0.0))).join();
        List<Map<String, Object>> rows = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1);

        ModelStatus status = engine.status("broken");
        CarraraException error = catchThrowableOfType(CarraraException.class,
                () -> engine.predict("broken", new PredictionRequest(rows, Optional.empty())));

        assertThat(status.ready()).isFalse();
        assertThat(status.reason().orElseThrow()).contains(broken.id().toString()).contains("failed to load");
        assertThat(error.errorCode()).isEqualTo(ServingErrorCode.MODEL_UNAVAILABLE.toErrorCode());
        assertThat(engine.ready()).isFalse();
        assertThat(engine.status("fares").ready()).isTrue();
        assertThat(engine.predict("fares", new PredictionRequest(rows, Optional.empty())).rows().get(0).status()).isEqualTo(Status.SCORED);
        assertThat(meters.get("carrara.deployment.ready").tag("deployment", "broken").gauge().value()).isZero();

        engine.undeployed("broken");
        assertThat(engine.ready()).isTrue();
        assertThat(engine.models()).containsExactly("fares");
        assertThat(meters.find("carrara.deployment.ready").tag("deployment", "broken").gauge()).isNull();
    }

    @Test
    void lazyLoadingWaitsForTheFirstRequest() {
        engine.close();
        engine = engine(ServingEngineConfig.DEFAULTS.withLoadMode(LoadMode.LAZY), sink);
        engine.apply(List.of(deployment("fares", new Routing.Pinned(lr.id()), 0.0))).join();

        assertThat(cache.isLoaded(lr.id())).isFalse();
        assertThat(engine.status("fares").ready()).isTrue();
        engine.predict("fares", new PredictionRequest(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1), Optional.empty()));
        assertThat(cache.isLoaded(lr.id())).isTrue();
    }

    @Test
    void predictionsAreSampledAtTheDeploymentsRate() throws IOException {
        engine.apply(List.of(deployment("fares", new Routing.Pinned(lr.id()), 0.25))).join();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            rows.add(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0));
        }

        PredictionResult result = engine.predict("fares", new PredictionRequest(rows, Optional.empty()));
        engine.close();

        long sampled = result.rows().stream().filter(row -> row.predictionId().isPresent()).count();
        assertThat(sampled).isBetween(120L, 280L); // 200 expected; this range holds but for odds of about 1e-9
        assertThat(Files.readAllLines(home.resolve("predictions.jsonl"))).hasSize((int) sampled);
        assertThat(meters.get("carrara.predictions.logged").tag("deployment", "fares").counter().count()).isEqualTo(sampled);
    }

    @Test
    void aSlowPredictionLogDropsAndCountsInsteadOfSlowingPredictions() {
        engine.close();
        CountDownLatch release = new CountDownLatch(1);
        PredictionSink slow = batch -> {
            release.await();
            sink.write(batch);
        };
        engine = engine(new ServingEngineConfig(LoadMode.EAGER, 5, 1, java.time.Duration.ZERO), slow);
        engine.apply(List.of(deployment("fares", new Routing.Pinned(lr.id()), 1.0))).join();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0));
        }

        PredictionResult result = engine.predict("fares", new PredictionRequest(rows, Optional.empty()));
        release.countDown();
        engine.close();

        assertThat(result.rows()).extracting(PredictionResult.Row::status).containsOnly(Status.SCORED);
        double dropped = meters.get("carrara.predictions.log.dropped").tag("deployment", "fares").counter().count();
        assertThat(dropped).isGreaterThanOrEqualTo(44).isEqualTo((double) engine.droppedPredictions());
        assertThat(engine.loggedPredictions() + engine.droppedPredictions()).isEqualTo(50);
    }

    private ServingEngine engine(ServingEngineConfig config, PredictionSink predictionSink) {
        if (cache != null) {
            cache.close();
        }
        cache = new ModelCache(ModelCacheConfig.defaults(home.resolve("models")), registry.registry, ModelRuntimes.discover());
        meters.clear();
        return new ServingEngine(config, registry.registry, cache, features, predictionSink, meters);
    }

    private static Deployment deployment(String name, Routing routing, double sampleRate) {
        return deployment(name, routing, sampleRate, List.of());
    }

    private static Deployment deployment(String name, Routing routing, double sampleRate, List<String> outputs) {
        return new Deployment(name, TestRegistry.TRIPS, routing, List.of(), MissingFeatures.NULL, sampleRate, outputs, 1,
                Instant.now(), "alice");
    }

    private static Map<String, Object> with(Map<String, Object> row, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(row);
        copy.put(field, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> row, String... fields) {
        Map<String, Object> copy = new HashMap<>(row);
        for (String field : fields) {
            copy.remove(field);
        }
        return copy;
    }

    /** The embedded store, counting its batch reads. */
    private final class CountingFeatureStore implements FeatureStore {
        private final FeatureStore store;

        CountingFeatureStore(FeatureStore store) {
            this.store = store;
        }

        @Override
        public void putAll(String group, Map<String, ? extends Map<String, ?>> featuresByKey) {
            store.putAll(group, featuresByKey);
        }

        @Override
        public List<Map<String, Object>> getAll(String group, List<String> keys, List<String> names) {
            featureReads.incrementAndGet();
            return store.getAll(group, keys, names);
        }

        @Override
        public boolean delete(String group, String key) {
            return store.delete(group, key);
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
