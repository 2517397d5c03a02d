package io.carrara.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.db.TestDatabases.TestDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Event;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Lineage;
import io.carrara.registry.model.Metric;
import io.carrara.registry.model.Model;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewInstance.ArtifactSpec;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.registry.model.Page;
import io.carrara.registry.model.Provenance;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's behaviour, run against every database it supports (one subclass each). */
abstract class AbstractModelRegistryTest {
    private static final String USER = "alice";

    @TempDir
    Path blobRoot;

    private TestDatabase testDatabase;
    private RegistryDatabase database;
    private FileSystemBlobStore blobs;
    private final AtomicReference<String> failBeforeCommitOf = new AtomicReference<>();
    ModelRegistry registry;

    abstract DatabaseDialect dialect();

    @BeforeEach
    void openRegistry() {
        testDatabase = TestDatabases.create(dialect());
        database = RegistryDatabase.open(testDatabase.config());
        blobs = new FileSystemBlobStore(blobRoot);
        registry = new ModelRegistry(database, blobs, operation -> {
            if (operation.equals(failBeforeCommitOf.get())) {
                throw new IllegalStateException("injected failure before commit of " + operation);
            }
        });
    }

    @AfterEach
    void closeRegistry() throws IOException {
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

    // ------------------------------------------------------------ projects and models

    @Test
    void createsAndListsProjects() {
        registry.createProject(new NewProject("demand", "demand models"), USER);
        registry.createProject(new NewProject("anomaly", null), USER);

        assertThat(registry.getProject("demand").description()).isEqualTo("demand models");
        assertThat(registry.getProject("demand").createdBy()).isEqualTo(USER);
        assertThat(registry.listProjects()).extracting(p -> p.name()).containsExactly("anomaly", "demand");
    }

    @Test
    void refusesDuplicateAndInvalidProjects() {
        registry.createProject(new NewProject("demand", null), USER);

        assertError(() -> registry.createProject(new NewProject("demand", null), USER), "ALREADY_EXISTS", "name");
        assertError(() -> registry.createProject(new NewProject("bad name!", null), USER), "INVALID_ARGUMENT", "name");
        assertError(() -> registry.createProject(new NewProject(null, null), USER), "INVALID_ARGUMENT", "name");
        assertError(() -> registry.getProject("missing"), "NOT_FOUND", "project");
        assertThat(registry.listProjects()).hasSize(1);
    }

    @Test
    void createsModelWithAllFields() {
        registry.createProject(new NewProject("demand", null), USER);
        registry.createModel("demand", NewModel.named("demand_conversion"), USER);
        registry.createModel("demand", NewModel.named("supply_rejection_v0"), USER);

        Model model = registry.createModel("demand", new NewModel("supply_rejection", "rejections per trip", "bob",
                "classifier", List.of("city", "distance_km"), Map.of("maxDepth", "5"), List.of("pricing"),
                "demand/supply_rejection_v0", List.of("demand/demand_conversion")), USER);

        assertThat(model.ref()).isEqualTo(new ModelRef("demand", "supply_rejection"));
        assertThat(model.description()).isEqualTo("rejections per trip");
        assertThat(model.owner()).isEqualTo("bob");
        assertThat(model.type()).isEqualTo("classifier");
        assertThat(model.features()).containsExactly("city", "distance_km");
        assertThat(model.hyperparameters()).containsEntry("maxDepth", "5");
        assertThat(model.tags()).containsExactly("pricing");
        assertThat(model.previousModel()).isEqualTo(new ModelRef("demand", "supply_rejection_v0"));
        assertThat(model.dependsOn()).containsExactly(new ModelRef("demand", "demand_conversion"));
        assertThat(registry.getModel(new ModelRef("demand", "supply_rejection_v0")).nextModels())
                .containsExactly(new ModelRef("demand", "supply_rejection"));
        assertThat(registry.getModel(new ModelRef("demand", "demand_conversion")).dependents())
                .containsExactly(new ModelRef("demand", "supply_rejection"));
        assertThat(registry.listModels("demand")).hasSize(3);
    }

    @Test
    void refusesModelsThatPointAtNothing() {
        registry.createProject(new NewProject("demand", null), USER);

        assertError(() -> registry.createModel("missing", NewModel.named("m"), USER), "NOT_FOUND", "project");
        assertError(() -> registry.createModel("demand",
                new NewModel("m", null, null, null, null, null, null, null, List.of("demand/nothing")), USER),
                "NOT_FOUND", "dependsOn");
        assertError(() -> registry.createModel("demand",
                new NewModel("m", null, null, null, null, null, null, null, List.of("not-a-ref")), USER),
                "INVALID_ARGUMENT", "dependsOn");
        assertError(() -> registry.createModel("demand",
                new NewModel("m", null, null, null, null, null, null, null, List.of("demand/m")), USER),
                "DEPENDENCY_CYCLE", "dependsOn");
        assertThat(registry.listModels("demand")).isEmpty();
        assertThat(registry.events(0, 100)).extracting(Event::type).containsExactly(Event.PROJECT_CREATED);
    }

    @Test
    void refusesDependencyCycles() {
        registry.createProject(new NewProject("p", null), USER);
        ModelRef a = model("p", "a");
        ModelRef b = model("p", "b");
        ModelRef c = model("p", "c");
        registry.addDependency(b, a, USER);
        registry.addDependency(c, b, USER);

        assertError(() -> registry.addDependency(a, a, USER), "DEPENDENCY_CYCLE", "upstream");
        assertError(() -> registry.addDependency(a, b, USER), "DEPENDENCY_CYCLE", "upstream");
        assertError(() -> registry.addDependency(a, c, USER), "DEPENDENCY_CYCLE", "upstream");
        assertThat(registry.getModel(a).dependsOn()).isEmpty();

        registry.addDependency(c, a, USER);
        registry.addDependency(c, a, USER);
        assertThat(registry.getModel(c).dependsOn()).containsExactly(a, b);

        registry.removeDependency(c, a, USER);
        assertThat(registry.getModel(c).dependsOn()).containsExactly(b);
        assertError(() -> registry.removeDependency(c, a, USER), "NOT_FOUND", "upstream");
    }

    // ------------------------------------------------------------ instances

    @Test
    void createsInstancesWithVersionsMetadataAndProvenance() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef ref = model("demand", "supply_rejection");
        StoredBlob blob = blob("model-v1");

        Instance first = registry.createInstance(ref, new NewInstance(new ArtifactSpec(blob.sha256(), "opaque", null),
                Map.of("city", "nyc", "trainingData", "hive://trips/2026-11-01"),
                Provenance.fromVersion1(Map.of("framework", "spark-4.1.0"))), USER);
        Instance second = registry.createInstance(ref, upload(blob("model-v2")), USER);

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.previousInstance()).isEqualTo(first.id());
        assertThat(first.reason()).isEqualTo(Instance.REASON_UPLOAD);
        assertThat(first.artifact().sha256()).isEqualTo(blob.sha256());
        assertThat(first.artifact().size()).isEqualTo("model-v1".length());
        assertThat(first.artifact().packaging().wireName()).isEqualTo("file");
        assertThat(first.metadata()).containsEntry("city", "nyc").containsEntry("trainingData", "hive://trips/2026-11-01");
        // Provenance is typed since format 2: a format-1 request's own keys land in extra, the server's runtime in server.
        assertThat(first.provenance().extra()).containsEntry("framework", "spark-4.1.0");
        assertThat(first.provenance().uploader()).isEqualTo(USER);
        assertThat(first.provenance().uploadedAt()).isEqualTo(first.createdAt());
        assertThat(first.provenance().server()).containsKeys("carraraVersion", "javaVersion", "os", "arch");
        assertThat(registry.getInstance(first.id())).isEqualTo(first);
        assertThat(registry.listInstances(ref, 10, 0).items()).extracting(Instance::version).containsExactly(2, 1);
        try (InputStream in = registry.openArtifact(first.id())) {
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("model-v1");
        }
    }

    @Test
    void refusesBadInstancesAndWritesNothing() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef ref = model("demand", "m");
        String sha = blob("bytes").sha256();
        String unknownSha = "0".repeat(64);

        assertError(() -> registry.createInstance(new ModelRef("demand", "nope"), upload(sha), USER), "NOT_FOUND", "model");
        assertError(() -> registry.createInstance(ref, upload(unknownSha), USER), "BLOB_MISSING", "artifact.sha256");
        assertError(() -> registry.createInstance(ref, new NewInstance(new ArtifactSpec("xyz", "opaque", null), null, null),
                USER), "INVALID_ARGUMENT", "artifact.sha256");
        assertError(() -> registry.createInstance(ref, new NewInstance(new ArtifactSpec(sha, "pickle", null), null, null),
                USER), "INVALID_ARGUMENT", "format");
        assertError(() -> registry.createInstance(ref, new NewInstance(new ArtifactSpec(sha, "opaque", "tar"), null, null),
                USER), "INVALID_ARGUMENT", "artifact.packaging");
        assertError(() -> registry.createInstance(ref, new NewInstance(new ArtifactSpec(sha, "opaque", null),
                Map.of("bad key", "v"), null), USER), "INVALID_ARGUMENT", "metadata key");
        assertError(() -> registry.createInstance(ref, new NewInstance(new ArtifactSpec(sha, "opaque", null),
                Map.of("k", "x".repeat(513)), null), USER), "INVALID_ARGUMENT", "metadata.k");
        assertError(() -> registry.createInstance(ref, new NewInstance(null, null, null), USER), "INVALID_ARGUMENT", "artifact");

        assertThat(registry.listInstances(ref, 10, 0).items()).isEmpty();
        assertThat(registry.events(0, 100)).extracting(Event::type).doesNotContain(Event.INSTANCE_CREATED);
    }

    @Test
    void refusesUnsafeArchivesAndAcceptsSafeOnes() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef ref = model("demand", "m");
        StoredBlob evil = blobs.put(new ByteArrayInputStream(zip(Map.of("../../etc/cron.d/evil", "x"))), 1 << 20);
        StoredBlob good = blobs.put(new ByteArrayInputStream(zip(Map.of("metadata/part-00000", "{}"))), 1 << 20);

        assertError(() -> registry.createInstance(ref, new NewInstance(new ArtifactSpec(evil.sha256(), "spark-pipeline", "zip"),
                null, null), USER), "UNSAFE_ARCHIVE", null);
        assertThat(registry.listInstances(ref, 10, 0).items()).isEmpty();

        Instance instance = registry.createInstance(ref,
                new NewInstance(new ArtifactSpec(good.sha256(), "spark-pipeline", "zip"), null, null), USER);
        assertThat(instance.artifact().packaging().wireName()).isEqualTo("zip");
    }

    @Test
    void failureAfterTheBlobWriteLeavesNoInstance() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef upstream = model("demand", "upstream");
        ModelRef downstream = model("demand", "downstream");
        registry.addDependency(downstream, upstream, USER);
        registry.createInstance(downstream, upload(blob("downstream-v1")), USER);
        long eventsBefore = registry.events(0, 1000).size();
        StoredBlob blob = blob("upstream-v1");

        failBeforeCommitOf.set("createInstance");
        assertThatThrownBy(() -> registry.createInstance(upstream, upload(blob), USER))
                .hasMessageContaining("injected failure");
        failBeforeCommitOf.set(null);

        assertThat(registry.listInstances(upstream, 10, 0).items()).isEmpty();
        assertThat(registry.listInstances(downstream, 10, 0).items()).hasSize(1);
        assertThat(registry.events(0, 1000)).hasSize((int) eventsBefore);
        assertThat(registry.search("meta.anything IS NULL", 1000, 0).items()).hasSize(1);
        // The blob stays, unreferenced, for garbage collection; the next attempt reuses it.
        assertThat(blobs.stat(blob.sha256())).isPresent();
        assertThat(registry.createInstance(upstream, upload(blob), USER).version()).isEqualTo(1);
    }

    @Test
    void failedMetricAndDeprecationWriteNothing() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef ref = model("demand", "m");
        Instance instance = registry.createInstance(ref, upload(blob("x")), USER);

        failBeforeCommitOf.set("addMetric");
        assertThatThrownBy(() -> registry.addMetric(instance.id(), new NewMetric("mae", "validation", 1.0, null, null), USER))
                .hasMessageContaining("injected failure");
        failBeforeCommitOf.set("addMetrics");
        assertThatThrownBy(() -> registry.addMetrics(instance.id(), List.of(new NewMetric("mae", "validation", 1.0, null, null),
                new NewMetric("rmse", "validation", 2.0, null, null)), USER)).hasMessageContaining("injected failure");
        failBeforeCommitOf.set("deprecate");
        assertThatThrownBy(() -> registry.deprecate(instance.id(), "bad", USER)).hasMessageContaining("injected failure");
        failBeforeCommitOf.set(null);

        assertThat(registry.listMetrics(instance.id())).isEmpty();
        assertThat(registry.search("metric.validation.mae IS NOT NULL", null, null).items()).isEmpty();
        assertThat(registry.getInstance(instance.id()).deprecated()).isFalse();
    }

    @Test
    void detectsCorruptedBlobOnDownload() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        Instance instance = registry.createInstance(model("demand", "m"), upload(blob("original bytes")), USER);
        Path stored;
        try (Stream<Path> files = Files.walk(blobRoot)) {
            stored = files.filter(path -> path.getFileName().toString().equals(instance.artifact().sha256())).findFirst().orElseThrow();
        }
        Files.writeString(stored, "tampered bytes");

        assertThatThrownBy(() -> {
            try (InputStream in = registry.openArtifact(instance.id())) {
                in.readAllBytes();
            }
        }).isInstanceOf(CarraraException.class).hasMessageContaining("corrupted");
    }

    @Test
    void concurrentUploadsOfOneModelGetDistinctVersions() throws Exception {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef ref = model("demand", "m");
        int threads = 8;
        int perThread = 5;
        List<StoredBlob> stored = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            stored.add(blob("artifact-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Instance>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                futures.add(pool.submit(() -> {
                    List<Instance> created = new ArrayList<>();
                    for (int i = first; i < first + perThread; i++) {
                        created.add(registry.createInstance(ref, upload(stored.get(i)), USER));
                    }
                    return created;
                }));
            }
            Set<Integer> versions = new HashSet<>();
            Set<UUID> ids = new HashSet<>();
            for (Future<List<Instance>> future : futures) {
                for (Instance instance : future.get()) {
                    versions.add(instance.version());
                    ids.add(instance.id());
                }
            }
            assertThat(ids).hasSize(threads * perThread);
            assertThat(versions).hasSize(threads * perThread).allMatch(v -> v >= 1 && v <= threads * perThread);
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.listInstances(ref, 1000, 0).items()).hasSize(threads * perThread);
    }

    // ------------------------------------------------------------ dependency propagation and lineage

    @Test
    void newUpstreamInstancePropagatesDownstreamTransitively() throws IOException {
        registry.createProject(new NewProject("p", null), USER);
        // a <- b <- d, a <- c <- d (a diamond), and e depends on d but has never been trained.
        ModelRef a = model("p", "a");
        ModelRef b = model("p", "b");
        ModelRef c = model("p", "c");
        ModelRef d = model("p", "d");
        ModelRef e = model("p", "e");
        registry.addDependency(b, a, USER);
        registry.addDependency(c, a, USER);
        registry.addDependency(d, b, USER);
        registry.addDependency(d, c, USER);
        registry.addDependency(e, d, USER);
        Instance a1 = registry.createInstance(a, upload(blob("a1")), USER);
        Instance b1 = registry.createInstance(b, upload(blob("b1")), USER);
        Instance c1 = registry.createInstance(c, upload(blob("c1")), USER);
        Instance d1 = registry.createInstance(d, new NewInstance(new ArtifactSpec(blob("d1").sha256(), "opaque", null),
                Map.of("city", "nyc"), null), USER);
        assertThat(b1.dependencies()).containsEntry("p/a", a1.id());
        assertThat(d1.dependencies()).containsEntry("p/b", b1.id()).containsEntry("p/c", c1.id());

        Instance a2 = registry.createInstance(a, upload(blob("a2")), USER);

        Instance b2 = registry.listInstances(b, 10, 0).items().get(0);
        Instance c2 = registry.listInstances(c, 10, 0).items().get(0);
        List<Instance> dInstances = registry.listInstances(d, 10, 0).items();
        assertThat(b2.reason()).isEqualTo(Instance.REASON_DEPENDENCY_UPDATE);
        assertThat(b2.version()).isEqualTo(2);
        assertThat(b2.previousInstance()).isEqualTo(b1.id());
        assertThat(b2.artifact()).isEqualTo(b1.artifact());
        assertThat(b2.dependencies()).containsEntry("p/a", a2.id());
        assertThat(b2.provenance().propagatedFrom()).isEqualTo(a2.id());
        assertThat(b2.provenance().propagatedAt()).isEqualTo(a2.createdAt());
        // The propagated instance keeps who uploaded the artifact, and when.
        assertThat(b2.provenance().uploadedAt()).isEqualTo(b1.provenance().uploadedAt());
        assertThat(b1.provenance().propagatedFrom()).isNull();
        assertThat(c2.dependencies()).containsEntry("p/a", a2.id());
        // The diamond's bottom gets exactly one new instance that sees both new upstream instances.
        assertThat(dInstances).hasSize(2);
        Instance d2 = dInstances.get(0);
        assertThat(d2.reason()).isEqualTo(Instance.REASON_DEPENDENCY_UPDATE);
        assertThat(d2.previousInstance()).isEqualTo(d1.id());
        assertThat(d2.dependencies()).containsEntry("p/b", b2.id()).containsEntry("p/c", c2.id());
        assertThat(d2.metadata()).containsEntry("city", "nyc");
        assertThat(registry.listInstances(e, 10, 0).items()).isEmpty();

        Lineage lineage = registry.lineage(b, 10);
        assertThat(lineage.upstream()).extracting(Lineage.UpstreamNode::model).containsExactly(a);
        assertThat(lineage.downstream()).extracting(Lineage.DownstreamNode::model).containsExactly(d);
        assertThat(lineage.downstream().get(0).downstream()).extracting(Lineage.DownstreamNode::model).containsExactly(e);
        assertThat(lineage.instances()).extracting(Instance::id).containsExactly(b2.id(), b1.id());
    }

    // ------------------------------------------------------------ deprecation, metrics, search, events

    @Test
    void deprecatesWithReason() throws IOException {
        registry.createProject(new NewProject("p", null), USER);
        Instance instance = registry.createInstance(model("p", "m"), upload(blob("x")), USER);

        assertError(() -> registry.deprecate(instance.id(), " ", USER), "INVALID_ARGUMENT", "reason");
        Instance deprecated = registry.deprecate(instance.id(), "leaks labels", "bob");
        Instance again = registry.deprecate(instance.id(), "another reason", "carol");

        assertThat(deprecated.deprecated()).isTrue();
        assertThat(deprecated.deprecatedReason()).isEqualTo("leaks labels");
        assertThat(deprecated.deprecatedBy()).isEqualTo("bob");
        assertThat(deprecated.deprecatedAt()).isNotNull();
        assertThat(again).isEqualTo(deprecated);
        assertThat(registry.search("NOT deprecated", null, null).items()).isEmpty();
        assertThat(registry.search("deprecated", null, null).items()).extracting(Instance::id).containsExactly(instance.id());
        assertThat(registry.events(0, 100)).filteredOn(event -> event.type().equals(Event.INSTANCE_DEPRECATED)).hasSize(1);
        assertError(() -> registry.deprecate(UUID.randomUUID(), "x", USER), "NOT_FOUND", "id");
    }

    @Test
    void annotationsChangeWithAnEventEachAndSettingTheSameValueChangesNothing() throws IOException {
        registry.createProject(new NewProject("p", null), USER);
        Instance instance = registry.createInstance(model("p", "m"), upload(blob("x")), USER);

        io.carrara.registry.model.Annotation reviewed = registry.setAnnotation(instance.id(), "reviewed", "no", "bob");
        assertThat(reviewed.setBy()).isEqualTo("bob");
        assertThat(registry.setAnnotation(instance.id(), "reviewed", "no", "carol")).as("the same value").isEqualTo(reviewed);
        registry.setAnnotation(instance.id(), "reviewed", "yes", "carol");
        registry.setAnnotation(instance.id(), "champion.of", "nyc", "carol");
        assertThat(registry.annotations(instance.id())).containsOnlyKeys("champion.of", "reviewed");
        assertThat(registry.annotations(instance.id()).get("reviewed").value()).isEqualTo("yes");
        assertThat(registry.removeAnnotation(instance.id(), "champion.of", "dave").value()).isEqualTo("nyc");
        assertThat(registry.annotations(instance.id())).containsOnlyKeys("reviewed");
        assertThat(registry.getInstance(instance.id()).metadata()).as("metadata stays as it was made").isEmpty();

        assertThat(registry.events(0, 100)).filteredOn(event -> event.type().startsWith("annotation."))
                .extracting(event -> event.type() + " " + event.payload().get("key").asText() + " " + event.payload().path("value").asText("-")
                        + " " + event.payload().path("previous").asText("-"))
                .containsExactly("annotation.set reviewed no -", "annotation.set reviewed yes no", "annotation.set champion.of nyc -",
                        "annotation.removed champion.of - nyc");

        assertError(() -> registry.setAnnotation(instance.id(), "../x", "v", USER), "INVALID_ARGUMENT", "key");
        assertError(() -> registry.setAnnotation(instance.id(), "k", null, USER), "INVALID_ARGUMENT", "value");
        assertError(() -> registry.setAnnotation(instance.id(), "k", "v".repeat(513), USER), "INVALID_ARGUMENT", "value");
        assertError(() -> registry.setAnnotation(UUID.randomUUID(), "k", "v", USER), "NOT_FOUND", "id");
        assertError(() -> registry.removeAnnotation(instance.id(), "absent", USER), "NOT_FOUND", "key");
        assertError(() -> registry.annotations(UUID.randomUUID()), "NOT_FOUND", "id");
        for (int i = 1; i < ModelRegistry.MAX_ANNOTATIONS; i++) {
            registry.setAnnotation(instance.id(), "k" + i, "v", USER);
        }
        assertError(() -> registry.setAnnotation(instance.id(), "one-too-many", "v", USER), "INVALID_ARGUMENT", "key");
        assertThat(registry.setAnnotation(instance.id(), "k1", "changed", USER).value()).as("an existing key may change").isEqualTo("changed");
    }

    @Test
    void recordsNumericAndStructuredMetrics() throws IOException {
        registry.createProject(new NewProject("p", null), USER);
        Instance instance = registry.createInstance(model("p", "m"), upload(blob("x")), USER);
        JsonNode curve = RegistryJson.mapper().readTree("{\"fpr\":[0,0.1,1],\"tpr\":[0,0.8,1]}");

        Metric mae = registry.addMetric(instance.id(), new NewMetric("mae", "validation", 4.2, null, Map.of("window", "7d")), USER);
        registry.addMetric(instance.id(), new NewMetric("mae", "validation", 3.9, null, null), USER);
        Metric roc = registry.addMetric(instance.id(), new NewMetric("roc", "training", null, curve, null), USER);

        assertThat(mae.value()).isEqualTo(4.2);
        assertThat(mae.metadata()).containsEntry("window", "7d");
        Instance other = registry.createInstance(model("p", "batched"), upload(blob("y")), USER);
        List<Metric> batch = registry.addMetrics(other.id(), List.of(new NewMetric("auc", "production", 0.9, null, Map.of("window", "1d")),
                new NewMetric("rows", "production", 12.0, null, null)), USER);
        assertThat(batch).extracting(Metric::name).containsExactly("auc", "rows");
        assertThat(registry.listMetrics(other.id())).extracting(Metric::id).containsExactlyElementsOf(batch.stream().map(Metric::id).toList());
        assertThat(registry.addMetrics(other.id(), List.of(), USER)).isEmpty();
        List<Metric> metrics = registry.listMetrics(instance.id());
        assertThat(metrics).extracting(Metric::name).containsExactly("mae", "mae", "roc");
        assertThat(metrics.get(2).data()).isEqualTo(curve);
        assertThat(metrics.get(2).id()).isEqualTo(roc.id());
        // Search compares the latest value: 3.9.
        assertThat(registry.search("metric.validation.mae < 4", null, null).items()).hasSize(1);
        assertThat(registry.search("metric.validation.mae > 4", null, null).items()).isEmpty();

        UUID id = instance.id();
        assertError(() -> registry.addMetric(id, new NewMetric("mae", "validation", Double.NaN, null, null), USER),
                "INVALID_ARGUMENT", "value");
        assertError(() -> registry.addMetric(id, new NewMetric("mae", "validation", null, null, null), USER),
                "INVALID_ARGUMENT", "value");
        assertError(() -> registry.addMetric(id, new NewMetric("mae", "validation", 1.0, curve, null), USER),
                "INVALID_ARGUMENT", "data");
        assertError(() -> registry.addMetric(id, new NewMetric("mae", "someday", 1.0, null, null), USER),
                "INVALID_ARGUMENT", "scope");
        assertError(() -> registry.addMetric(id, new NewMetric("bad name", "validation", 1.0, null, null), USER),
                "INVALID_ARGUMENT", "name");
        assertError(() -> registry.addMetric(UUID.randomUUID(), new NewMetric("mae", "validation", 1.0, null, null), USER),
                "NOT_FOUND", "id");
        assertThat(registry.listMetrics(id)).hasSize(3);
    }

    @Test
    void searchesAcrossModelsMetadataAndMetrics() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        registry.createProject(new NewProject("fraud", null), USER);
        ModelRef supply = model("demand", "supply_rejection");
        ModelRef fraud = model("fraud", "scorer");
        Instance nyc = registry.createInstance(supply, withMeta(blob("1"), Map.of("city", "nyc", "trees", "100")), USER);
        Instance sf = registry.createInstance(supply, withMeta(blob("2"), Map.of("city", "sf", "trees", "20")), USER);
        Instance nyc2 = registry.createInstance(supply, withMeta(blob("3"), Map.of("city", "nyc")), USER);
        Instance other = registry.createInstance(fraud, withMeta(blob("4"), Map.of("city", "nyc")), USER);
        registry.addMetric(nyc.id(), new NewMetric("mae", "validation", 4.0, null, null), USER);
        registry.addMetric(nyc2.id(), new NewMetric("mae", "validation", 6.0, null, null), USER);
        registry.addMetric(sf.id(), new NewMetric("mae", "validation", 3.0, null, null), USER);
        registry.deprecate(sf.id(), "bad", USER);

        assertThat(ids(registry.search("model = 'supply_rejection' AND meta.city = 'nyc' AND metric.validation.mae < 5"
                + " AND NOT deprecated ORDER BY created_at DESC LIMIT 10", null, null))).containsExactly(nyc.id());
        assertThat(ids(registry.search("project = 'fraud'", null, null))).containsExactly(other.id());
        assertThat(ids(registry.search("meta.trees > 50", null, null))).containsExactly(nyc.id());
        assertThat(ids(registry.search("model = 'supply_rejection' ORDER BY metric.validation.mae ASC", null, null)))
                .containsExactly(sf.id(), nyc.id(), nyc2.id());
        assertThat(ids(registry.search("model = 'x'' OR 1=1 --'", null, null))).isEmpty();

        Page<Instance> first = registry.search("ORDER BY created_at ASC", 3, 0);
        assertThat(ids(first)).containsExactly(nyc.id(), sf.id(), nyc2.id());
        assertThat(first.nextOffset()).isEqualTo(3);
        Page<Instance> second = registry.search("ORDER BY created_at ASC", 3, first.nextOffset());
        assertThat(ids(second)).containsExactly(other.id());
        assertThat(second.nextOffset()).isNull();

        assertError(() -> registry.search("model = ", null, null), "SEARCH_SYNTAX", "q");
    }

    @Test
    void everyChangeLeavesAnEventInOrder() throws IOException {
        registry.createProject(new NewProject("p", null), USER);
        ModelRef up = model("p", "up");
        ModelRef down = model("p", "down");
        registry.addDependency(down, up, USER);
        Instance downInstance = registry.createInstance(down, upload(blob("d")), USER);
        Instance upInstance = registry.createInstance(up, upload(blob("u")), USER);
        registry.addMetric(upInstance.id(), new NewMetric("mae", "validation", 1.0, null, null), USER);
        registry.deprecate(downInstance.id(), "old", USER);
        registry.removeDependency(down, up, USER);

        List<Event> events = registry.events(0, 100);
        assertThat(events).extracting(Event::type).containsExactly(
                Event.PROJECT_CREATED, Event.MODEL_CREATED, Event.MODEL_CREATED, Event.DEPENDENCY_ADDED,
                Event.INSTANCE_CREATED, Event.INSTANCE_CREATED, Event.INSTANCE_CREATED, Event.METRIC_RECORDED,
                Event.INSTANCE_DEPRECATED, Event.DEPENDENCY_REMOVED);
        assertThat(events.get(6).payload().get("reason").asText()).isEqualTo(Instance.REASON_DEPENDENCY_UPDATE);
        assertThat(events).extracting(Event::id).isSorted();
        assertThat(registry.events(events.get(7).id(), 100)).hasSize(2);
    }

    // ------------------------------------------------------------ helpers

    // ------------------------------------------------------------ provenance formats

    @Test
    void readsAFormatOneProvenanceRowUpgraded() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef ref = model("demand", "m");
        String stored = golden("instance-provenance-v1.json");
        UUID id = UUID.randomUUID();
        // A row as the registry wrote it before format 2, inserted by SQL.
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO instances (instance_id, model_id, version, created_at, created_by, reason, previous_instance_id,
                                               artifact_sha256, artifact_size, artifact_format, artifact_packaging, artifact_uri,
                                               metadata, provenance, deprecated)
                        SELECT ?, m.model_id, 1, ?, 'alice', 'upload', NULL, ?, 5, 'opaque', 'file', 'file:///blobs/x', '{}', ?, ?
                        FROM models m WHERE m.name = 'm'""")
                .bind(0, id.toString()).bind(1, java.time.LocalDateTime.parse("2026-12-06T19:58:12.123456"))
                .bind(2, "0".repeat(64)).bind(3, stored).bind(4, false)
                .execute());

        Provenance provenance = registry.getInstance(id).provenance();

        assertThat(provenance.uploader()).isEqualTo("alice");
        assertThat(provenance.uploadedAt()).isEqualTo(java.time.Instant.parse("2026-12-06T19:58:12.123456Z"));
        assertThat(provenance.fileName()).isEqualTo("model.txt");
        assertThat(provenance.client()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("arch", "amd64",
                "carraraVersion", "0.1.0-SNAPSHOT", "javaVendor", "Eclipse Adoptium", "javaVersion", "17.0.15", "os", "Linux",
                "osVersion", "6.8.0-49-generic")));
        assertThat(provenance.server()).isEmpty();
        assertThat(provenance.training()).isNull();
        assertThat(provenance.propagatedFrom()).isEqualTo(UUID.fromString("6f1c2a3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"));
        assertThat(provenance.propagatedAt()).isEqualTo(java.time.Instant.parse("2026-12-06T19:58:13.402117Z"));
        assertThat(provenance.extra()).containsExactly(Map.entry("framework", "spark-4.1.0"));
        assertThat(registry.listInstances(ref, 10, 0).items()).extracting(Instance::id).containsExactly(id);
    }

    @Test
    void storesFormatTwoProvenanceAndReadsItBack() throws IOException {
        registry.createProject(new NewProject("demand", null), USER);
        ModelRef ref = model("demand", "m");
        Provenance sent = Provenance.ofClient("model.txt", Map.of("carraraVersion", "0.1.0", "os", "Linux"),
                new Provenance.Training("hive://trips/2026-11-01", "git:abc123", Map.of("split", 42L, "init", -7L),
                        Map.of("scikit-learn", "1.5.2")),
                Map.of("team", "pricing"));

        Instance instance = registry.createInstance(ref, new NewInstance(new ArtifactSpec(blob("x").sha256(), "opaque", null),
                null, sent), USER);

        Provenance stored = registry.getInstance(instance.id()).provenance();
        assertThat(stored).isEqualTo(instance.provenance());
        assertThat(stored).isEqualTo(sent.uploaded(USER, instance.createdAt(), stored.server()));
        assertThat(stored.server()).containsKeys("carraraVersion", "javaVersion", "javaVendor", "os", "osVersion", "arch");
        String row = database.jdbi().withHandle(handle -> handle
                .createQuery("SELECT provenance FROM instances WHERE instance_id = ?").bind(0, instance.id().toString())
                .mapTo(String.class).one());
        JsonNode json = RegistryJson.readTree(row);
        assertThat(json.get("formatVersion").asInt()).isEqualTo(2);
        assertThat(json.at("/training/seeds/split").asLong()).isEqualTo(42L);
        assertThat(json.has("propagatedFrom")).isFalse();
    }

    @Test
    void refusesProvenanceThatOnlyTheServerRecords() throws IOException {
        String sha = blob("x").sha256();
        ArtifactSpec artifact = new ArtifactSpec(sha, "opaque", null);
        Provenance uploaded = Provenance.empty().uploaded("mallory", java.time.Instant.now(), Map.of());
        Provenance claimsServer = Provenance.empty().uploaded(null, null, Map.of("os", "Plan9"));
        Provenance propagated = Provenance.empty().propagated(UUID.randomUUID(), java.time.Instant.now());

        assertError(() -> new NewInstance(artifact, null, uploaded), "INVALID_ARGUMENT", "provenance.uploader");
        assertError(() -> new NewInstance(artifact, null, claimsServer), "INVALID_ARGUMENT", "provenance.server");
        assertError(() -> new NewInstance(artifact, null, propagated), "INVALID_ARGUMENT", "provenance.propagatedFrom");
        assertError(() -> new NewInstance(artifact, null, Provenance.fromVersion1(Map.of("uploader", "mallory"))),
                "INVALID_ARGUMENT", "provenance.uploader");
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = AbstractModelRegistryTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), UTF_8).strip();
        }
    }

    private ModelRef model(String project, String name) {
        return registry.createModel(project, NewModel.named(name), USER).ref();
    }

    private StoredBlob blob(String content) throws IOException {
        return blobs.put(new ByteArrayInputStream(content.getBytes(UTF_8)), 1 << 20);
    }

    private static NewInstance upload(StoredBlob blob) {
        return upload(blob.sha256());
    }

    private static NewInstance upload(String sha256) {
        return new NewInstance(new ArtifactSpec(sha256, "opaque", null), null, null);
    }

    private static NewInstance withMeta(StoredBlob blob, Map<String, String> metadata) {
        return new NewInstance(new ArtifactSpec(blob.sha256(), "opaque", null), metadata, null);
    }

    private static List<UUID> ids(Page<Instance> page) {
        return page.items().stream().map(Instance::id).toList();
    }

    private static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static void assertError(ThrowingCallable call, String code, String field) {
        assertThatThrownBy(call)
                .isInstanceOf(CarraraException.class)
                .satisfies(e -> {
                    CarraraException error = (CarraraException) e;
                    assertThat(error.errorCode().name()).as("error code of: " + error.getMessage()).isEqualTo(code);
                    if (field != null) {
                        assertThat(error.field()).as("field of: " + error.getMessage()).contains(field);
                    }
                });
    }
}
