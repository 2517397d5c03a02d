package io.carrara.registry.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.db.TestDatabases.TestDatabase;
import io.carrara.registry.deploy.DeployOutcome.Kind;
import io.carrara.registry.deploy.Deployment.MissingFeatures;
import io.carrara.registry.deploy.DeploymentRevision.Action;
import io.carrara.registry.model.Event;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewInstance.ArtifactSpec;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment registry's behaviour, run against every database the registry supports (one subclass each). */
abstract class AbstractDeploymentRegistryTest {
    private static final String USER = "alice";

    @TempDir
    Path blobRoot;

    private TestDatabase testDatabase;
    private RegistryDatabase database;
    private FileSystemBlobStore blobs;
    private ModelRegistry registry;
    private final AtomicReference<String> failBeforeCommitOf = new AtomicReference<>();
    private final AtomicInteger nextBlob = new AtomicInteger();
    private DeploymentRegistry deployments;
    private ModelRef eta;
    private ModelRef pricing;

    abstract DatabaseDialect dialect();

    @BeforeEach
    void open() {
        testDatabase = TestDatabases.create(dialect());
        database = RegistryDatabase.open(testDatabase.config());
        blobs = new FileSystemBlobStore(blobRoot);
        registry = new ModelRegistry(database, blobs);
        deployments = new DeploymentRegistry(database, operation -> {
            if (operation.equals(failBeforeCommitOf.get())) {
                throw new IllegalStateException("injected failure before commit of " + operation);
            }
        });
        registry.createProject(new NewProject("demand", null), USER);
        eta = registry.createModel("demand", NewModel.named("eta"), USER).ref();
        pricing = registry.createModel("demand", NewModel.named("pricing"), USER).ref();
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

    @Test
    void deploysAPinnedInstanceTakingItsModel() {
        UUID v1 = instance(eta);

        DeployOutcome outcome = deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);

        Deployment deployment = outcome.deployment();
        assertThat(outcome.kind()).isEqualTo(Kind.CREATED);
        assertThat(deployment.name()).isEqualTo("eta-live");
        assertThat(deployment.model()).isEqualTo(eta);
        assertThat(deployment.routing()).isEqualTo(new Routing.Pinned(v1));
        assertThat(deployment.features()).isEmpty();
        assertThat(deployment.missingFeatures()).isEqualTo(MissingFeatures.NULL);
        assertThat(deployment.logSampleRate()).isZero();
        assertThat(deployment.revision()).isEqualTo(1);
        assertThat(deployment.updatedBy()).isEqualTo(USER);
        assertThat(deployments.get("eta-live")).isEqualTo(deployment);
        assertThat(deployments.list()).containsExactly(deployment);

        List<DeploymentRevision> history = deployments.history("eta-live");
        assertThat(history).singleElement().satisfies(revision -> {
            assertThat(revision.revision()).isEqualTo(1);
            assertThat(revision.action()).isEqualTo(Action.CREATED);
            assertThat(revision.routing()).isEqualTo(new Routing.Pinned(v1));
            assertThat(revision.changed()).containsExactly("model", "routing", "features", "missingFeatures", "logSampleRate", "outputs");
            assertThat(revision.changedAt()).isEqualTo(deployment.updatedAt());
            assertThat(revision.changedBy()).isEqualTo(USER);
        });
        Event event = lastEvent();
        assertThat(event.type()).isEqualTo(Event.DEPLOYMENT_CREATED);
        assertThat(event.project()).isEqualTo("demand");
        assertThat(event.model()).isEqualTo("eta");
        assertThat(event.payload().get("deployment").asText()).isEqualTo("eta-live");
        assertThat(event.payload().get("revision").asInt()).isEqualTo(1);
        assertThat(event.payload().get("instances").get(0).asText()).isEqualTo(v1.toString());
    }

    @Test
    void latestIsTheNewestInstanceThatIsNotDeprecatedAtDeployTime() {
        instance(eta);
        UUID v2 = instance(eta);
        UUID v3 = instance(eta);
        registry.deprecate(v3, "leaks the label", USER);

        Deployment first = deployments.deploy(NewDeployment.latest("eta-live", "demand/eta"), USER).deployment();
        assertThat(first.routing()).isEqualTo(new Routing.Pinned(v2));

        UUID v4 = instance(eta);
        DeployOutcome second = deployments.deploy(NewDeployment.latest("eta-live", "demand/eta"), "bob");
        assertThat(second.kind()).isEqualTo(Kind.UPDATED);
        assertThat(second.deployment().routing()).isEqualTo(new Routing.Pinned(v4));
        assertThat(second.deployment().revision()).isEqualTo(2);
        assertThat(second.deployment().updatedBy()).isEqualTo("bob");
        assertThat(deployments.history("eta-live")).extracting(DeploymentRevision::action, DeploymentRevision::changed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Action.CREATED,
                                List.of("model", "routing", "features", "missingFeatures", "logSampleRate", "outputs")),
                        org.assertj.core.groups.Tuple.tuple(Action.UPDATED, List.of("routing")));
        assertThat(lastEvent().type()).isEqualTo(Event.DEPLOYMENT_UPDATED);
        assertThat(lastEvent().payload().get("changed").get(0).asText()).isEqualTo("routing");
    }

    @Test
    void changingOnlyTheOutputsIsARevisionThatNamesThem() {
        UUID v1 = instance(eta);
        deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);

        DeployOutcome narrowed = deployments.deploy(NewDeployment.pinned("eta-live", v1).withOutputs(List.of("eta")), USER);
        DeployOutcome again = deployments.deploy(NewDeployment.pinned("eta-live", v1).withOutputs(List.of("eta")), USER);
        DeployOutcome widened = deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);

        assertThat(narrowed.kind()).isEqualTo(Kind.UPDATED);
        assertThat(narrowed.deployment().outputs()).containsExactly("eta");
        assertThat(again.kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(widened.kind()).isEqualTo(Kind.UPDATED);
        assertThat(widened.deployment().outputs()).isEmpty();
        assertThat(deployments.history("eta-live")).extracting(DeploymentRevision::revision, DeploymentRevision::changed,
                DeploymentRevision::outputs).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1,
                                List.of("model", "routing", "features", "missingFeatures", "logSampleRate", "outputs"), List.of()),
                        org.assertj.core.groups.Tuple.tuple(2, List.of("outputs"), List.of("eta")),
                        org.assertj.core.groups.Tuple.tuple(3, List.of("outputs"), List.of()));
    }

    @Test
    void deployingTheSameConfigurationAgainChangesNothing() {
        UUID v1 = instance(eta);
        deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);
        long events = eventCount();

        DeployOutcome again = deployments.deploy(NewDeployment.pinned("eta-live", v1).withModel("demand/eta"), "bob");

        assertThat(again.kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(again.deployment().revision()).isEqualTo(1);
        assertThat(again.deployment().updatedBy()).isEqualTo(USER);
        assertThat(deployments.history("eta-live")).hasSize(1);
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void storesPartitionedRoutingFeatureLookupsAndSampling() {
        UUID nyc = instance(eta);
        UUID sf = instance(eta);
        UUID fallback = instance(eta);
        List<FeatureLookup> lookups = List.of(
                new FeatureLookup("driver_stats", "driver_id", List.of("trips_7d", "rating")),
                new FeatureLookup("city_stats", "city", List.of("surge")));

        Deployment deployment = deployments.deploy(
                NewDeployment.partitioned("eta-by-city", "city", Map.of("nyc", nyc, "sf", sf), fallback)
                        .withFeatures(lookups, "reject")
                        .withLogSampleRate(0.25)
                        .withOutputs(List.of("eta", "eta_low")),
                USER).deployment();

        assertThat(deployment.routing()).isEqualTo(new Routing.Partitioned("city", Map.of("nyc", nyc, "sf", sf), fallback));
        assertThat(deployment.features()).isEqualTo(lookups);
        assertThat(deployment.missingFeatures()).isEqualTo(MissingFeatures.REJECT);
        assertThat(deployment.logSampleRate()).isEqualTo(0.25);
        assertThat(deployment.outputs()).containsExactly("eta", "eta_low");
        assertThat(deployments.get("eta-by-city")).isEqualTo(deployment);
        assertThat(deployments.history("eta-by-city").get(0).features()).isEqualTo(lookups);
        assertThat(deployments.history("eta-by-city").get(0).outputs()).containsExactly("eta", "eta_low");
        assertThat(lastEvent().payload().get("instances")).extracting(JsonNode::asText)
                .containsExactly(fallback.toString(), nyc.toString(), sf.toString());
    }

    @Test
    void refusesRoutingToInstancesThatCannotServeAndWritesNothing() {
        UUID v1 = instance(eta);
        UUID deprecated = instance(eta);
        registry.deprecate(deprecated, "bad calibration", USER);
        UUID otherModel = instance(pricing);
        UUID missing = UUID.randomUUID();
        long events = eventCount();

        assertError(() -> deployments.deploy(NewDeployment.pinned("x", missing), USER), "NOT_FOUND", "instance");
        assertError(() -> deployments.deploy(NewDeployment.pinned("x", otherModel).withModel("demand/eta"), USER),
                "INVALID_ARGUMENT", "instance");
        assertError(() -> deployments.deploy(NewDeployment.pinned("x", deprecated), USER), "INVALID_ARGUMENT", "instance");
        assertThatThrownBy(() -> deployments.deploy(NewDeployment.pinned("x", deprecated), USER))
                .hasMessageContaining("deprecated").hasMessageContaining("bad calibration");
        assertError(() -> deployments.deploy(NewDeployment.partitioned("x", "city", Map.of("sf", deprecated), v1), USER),
                "INVALID_ARGUMENT", "instances.sf");
        assertError(() -> deployments.deploy(NewDeployment.partitioned("x", "city", Map.of("sf", otherModel), v1), USER),
                "INVALID_ARGUMENT", "instances.sf");
        assertError(() -> deployments.deploy(NewDeployment.partitioned("x", "city", Map.of("sf", v1), missing), USER),
                "NOT_FOUND", "default");
        assertError(() -> deployments.deploy(NewDeployment.latest("x", "demand/nope"), USER), "NOT_FOUND", "model");
        assertError(() -> deployments.deploy(NewDeployment.latest("x", "demand/pricing").withModel(null), USER),
                "INVALID_ARGUMENT", "model");
        registry.deprecate(otherModel, "replaced", USER);
        assertError(() -> deployments.deploy(NewDeployment.latest("x", "demand/pricing"), USER), "INVALID_ARGUMENT", "latest");

        assertThat(deployments.list()).isEmpty();
        assertThat(eventCount()).as("only the deprecation's event").isEqualTo(events + 1);
        assertError(() -> deployments.history("x"), "NOT_FOUND", "name");
    }

    @Test
    void refusesMalformedRequestsNamingTheField() {
        UUID v1 = instance(eta);
        NewDeployment pinned = NewDeployment.pinned("eta-live", v1);

        assertError(() -> deployments.deploy(NewDeployment.pinned("bad name!", v1), USER), "INVALID_ARGUMENT", "name");
        assertError(() -> deployments.deploy(NewDeployment.pinned(null, v1), USER), "INVALID_ARGUMENT", "name");
        assertError(() -> deployments.deploy(pinned.withModel("no-slash"), USER), "INVALID_ARGUMENT", "model");
        assertError(() -> deployments.deploy(new NewDeployment("x", "demand/eta", v1, true, null, null, null, null, null,
                null, null), USER), "INVALID_ARGUMENT", "instance");
        assertError(() -> deployments.deploy(new NewDeployment("x", "demand/eta", null, false, null, null, null, null, null,
                null, null), USER), "INVALID_ARGUMENT", "partitionBy");
        assertError(() -> deployments.deploy(new NewDeployment("x", null, v1, null, null, Map.of("sf", v1), null, null,
                null, null, null), USER), "INVALID_ARGUMENT", "instances");
        assertError(() -> deployments.deploy(new NewDeployment("x", null, v1, null, null, null, v1, null, null, null, null), USER),
                "INVALID_ARGUMENT", "default");
        assertError(() -> deployments.deploy(NewDeployment.partitioned("x", "city", Map.of(), v1), USER),
                "INVALID_ARGUMENT", "instances");
        assertError(() -> deployments.deploy(NewDeployment.partitioned("x", "city", Map.of("sf", v1), null), USER),
                "INVALID_ARGUMENT", "default");
        assertError(() -> deployments.deploy(NewDeployment.partitioned("x", " ", Map.of("sf", v1), v1), USER),
                "INVALID_ARGUMENT", "partitionBy");
        assertError(() -> deployments.deploy(pinned.withFeatures(List.of(), "sometimes"), USER),
                "INVALID_ARGUMENT", "missingFeatures");
        assertError(() -> deployments.deploy(pinned.withLogSampleRate(1.5), USER), "INVALID_ARGUMENT", "logSampleRate");
        assertError(() -> deployments.deploy(pinned.withLogSampleRate(Double.NaN), USER), "INVALID_ARGUMENT", "logSampleRate");
        assertError(() -> deployments.deploy(pinned.withOutputs(List.of("eta", "eta")), USER), "INVALID_ARGUMENT", "outputs[1]");
        assertError(() -> deployments.deploy(pinned.withFeatures(
                List.of(new FeatureLookup("bad group", "driver_id", List.of("rating"))), null), USER),
                "INVALID_ARGUMENT", "features[0].group");
        assertError(() -> deployments.deploy(pinned.withFeatures(
                List.of(new FeatureLookup("driver_stats", "", List.of("rating"))), null), USER),
                "INVALID_ARGUMENT", "features[0].key");
        assertError(() -> deployments.deploy(pinned.withFeatures(
                List.of(new FeatureLookup("driver_stats", "driver_id", List.of())), null), USER),
                "INVALID_ARGUMENT", "features[0].features");
        assertError(() -> deployments.deploy(pinned.withFeatures(
                List.of(new FeatureLookup("driver_stats", "driver_id", List.of("-rating"))), null), USER),
                "INVALID_ARGUMENT", "features[0].features");
        assertError(() -> deployments.deploy(pinned.withFeatures(List.of(
                new FeatureLookup("driver_stats", "driver_id", List.of("rating")),
                new FeatureLookup("rider_stats", "rider_id", List.of("rating"))), null), USER),
                "INVALID_ARGUMENT", "features[1].features");
        assertError(() -> deployments.get("nope"), "NOT_FOUND", "name");
        assertThat(deployments.list()).isEmpty();
    }

    @Test
    void undeployRemovesTheDeploymentAndKeepsItsHistory() {
        UUID v1 = instance(eta);
        UUID v2 = instance(eta);
        deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);
        deployments.deploy(NewDeployment.pinned("eta-live", v2).withLogSampleRate(0.1), USER);

        DeploymentRevision undeployed = deployments.undeploy("eta-live", "bob");

        assertThat(undeployed.action()).isEqualTo(Action.UNDEPLOYED);
        assertThat(undeployed.revision()).isEqualTo(3);
        assertThat(undeployed.routing()).isEqualTo(new Routing.Pinned(v2));
        assertThat(undeployed.logSampleRate()).isEqualTo(0.1);
        assertThat(undeployed.changedBy()).isEqualTo("bob");
        assertError(() -> deployments.get("eta-live"), "NOT_FOUND", "name");
        assertThat(deployments.list()).isEmpty();
        assertThat(deployments.history("eta-live")).extracting(DeploymentRevision::action)
                .containsExactly(Action.CREATED, Action.UPDATED, Action.UNDEPLOYED);
        assertThat(lastEvent().type()).isEqualTo(Event.DEPLOYMENT_UNDEPLOYED);
        assertThat(lastEvent().payload().get("revision").asInt()).isEqualTo(3);
        assertError(() -> deployments.undeploy("eta-live", USER), "NOT_FOUND", "name");

        DeployOutcome again = deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);
        assertThat(again.kind()).isEqualTo(Kind.CREATED);
        assertThat(again.deployment().revision()).isEqualTo(4);
        assertThat(deployments.history("eta-live")).extracting(DeploymentRevision::revision).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aFailureBeforeCommitLeavesNoTrace() {
        UUID v1 = instance(eta);
        UUID v2 = instance(eta);
        deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);
        long events = eventCount();

        failBeforeCommitOf.set("deploy");
        assertThatThrownBy(() -> deployments.deploy(NewDeployment.pinned("eta-live", v2), USER))
                .hasMessageContaining("injected failure");
        assertThatThrownBy(() -> deployments.deploy(NewDeployment.pinned("other", v2), USER))
                .hasMessageContaining("injected failure");
        failBeforeCommitOf.set("undeploy");
        assertThatThrownBy(() -> deployments.undeploy("eta-live", USER)).hasMessageContaining("injected failure");
        failBeforeCommitOf.set(null);

        assertThat(deployments.list()).extracting(Deployment::name).containsExactly("eta-live");
        assertThat(deployments.get("eta-live").routing()).isEqualTo(new Routing.Pinned(v1));
        assertThat(deployments.history("eta-live")).hasSize(1);
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void concurrentChangesOfOneDeploymentGetDistinctRevisions() throws Exception {
        UUID v1 = instance(eta);
        deployments.deploy(NewDeployment.pinned("eta-live", v1), USER);
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<DeployOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                double rate = (i + 1) / 10.0;
                futures.add(pool.submit(() -> deployments.deploy(NewDeployment.pinned("eta-live", v1).withLogSampleRate(rate),
                        USER)));
            }
            List<Integer> revisions = new ArrayList<>();
            for (Future<DeployOutcome> future : futures) {
                revisions.add(future.get().deployment().revision());
            }
            assertThat(revisions).containsExactlyInAnyOrder(2, 3, 4, 5);
        } finally {
            pool.shutdownNow();
        }
        List<DeploymentRevision> history = deployments.history("eta-live");
        assertThat(history).extracting(DeploymentRevision::revision).containsExactly(1, 2, 3, 4, 5);
        assertThat(deployments.get("eta-live").logSampleRate()).isEqualTo(history.get(4).logSampleRate());
    }

    // ---- helpers

    private UUID instance(ModelRef model) {
        try {
            StoredBlob blob = blobs.put(new ByteArrayInputStream(("model " + nextBlob.incrementAndGet()).getBytes(UTF_8)),
                    1 << 20);
            return registry.createInstance(model, new NewInstance(new ArtifactSpec(blob.sha256(), "opaque", null), null, null),
                    USER).id();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Event lastEvent() {
        List<Event> events = registry.events(0, 1000);
        return events.get(events.size() - 1);
    }

    private long eventCount() {
        return registry.events(0, 1000).size();
    }

    private static void assertError(ThrowingCallable call, String code, String field) {
        assertThatThrownBy(call)
                .isInstanceOf(CarraraException.class)
                .satisfies(e -> {
                    CarraraException error = (CarraraException) e;
                    assertThat(error.errorCode().name()).as("error code of: " + error.getMessage()).isEqualTo(code);
                    assertThat(error.field()).as("field of: " + error.getMessage()).contains(field);
                });
    }
}
