package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.Page;
import io.carrara.api.health.Health;
import io.carrara.api.registry.Event;
import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Lineage;
import io.carrara.api.registry.Metric;
import io.carrara.api.registry.Model;
import io.carrara.api.registry.NewProvenance;
import io.carrara.api.registry.Packaging;
import io.carrara.api.registry.Project;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorType;
import io.carrara.spi.error.StandardErrorCode;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against a real server. It lives in carrara-cli's tests because carrara-client
 * cannot depend on carrara-server, not even for tests: the server's own tests use the client.
 */
class CarraraClientTest {
    private static final AtomicInteger NEXT_NAME = new AtomicInteger();

    @TempDir
    static Path serverHome;

    private static CarraraServer server;
    private static CarraraClient client;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() throws Exception {
        server = CarraraServer.start(ServerConfig.embedded(serverHome, 0).withAuth(ServerConfig.Auth.OFF));
        client = CarraraClient.builder(server.uri()).user("alice").build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void reportsHealth() {
        Health health = client.health();

        assertThat(health.status()).isEqualTo(io.carrara.api.health.HealthStatus.OK);
        assertThat(health.version()).isNotBlank();
    }

    @Test
    void recordsTheUserOrAnonymous() {
        String named = uniqueName("named");
        String unnamed = uniqueName("unnamed");

        client.projects().create(named, "with a user");
        CarraraClient.builder(server.uri()).build().projects().create(unnamed, null);

        assertThat(client.projects().get(named).createdBy()).isEqualTo("alice");
        assertThat(client.projects().get(named).description()).isEqualTo("with a user");
        assertThat(client.projects().get(unnamed).createdBy()).isEqualTo("anonymous");
    }

    @Test
    void listsEveryProject() {
        List<String> names = List.of(uniqueName("listed"), uniqueName("listed"), uniqueName("listed"));
        names.forEach(name -> client.projects().create(name, null));

        List<Project> all = client.projects().list();

        assertThat(all).extracting(Project::name).containsAll(names).doesNotHaveDuplicates();
    }

    @Test
    void pagesThroughInstancesNewestFirst() throws IOException {
        ModelRef model = newModel();
        Path file = Files.writeString(work.resolve("model.bin"), "weights");
        Instance first = client.instances().upload(model, file, ArtifactFormat.OPAQUE, Map.of(), TransferProgress.NONE);
        Instance second = client.instances().upload(model, file, ArtifactFormat.OPAQUE, Map.of(), TransferProgress.NONE);

        Page<Instance> newest = client.instances().list(model, 1, 0);
        Page<Instance> oldest = client.instances().list(model, 1, 1);

        assertThat(newest.items()).extracting(Instance::id).containsExactly(second.id());
        assertThat(newest.nextOffset()).isEqualTo(1);
        assertThat(oldest.items()).extracting(Instance::id).containsExactly(first.id());
        assertThat(oldest.hasMore()).isFalse();
        assertThat(client.instances().list(model)).extracting(Instance::id).containsExactly(second.id(), first.id());
    }

    @Test
    void createsAModelWithEveryField() {
        String project = newProject();
        ModelRef previous = new ModelRef(project, "eta_v0");
        ModelRef upstream = new ModelRef(project, "demand");
        client.models().create(previous, ModelDefinition.empty());
        client.models().create(upstream, ModelDefinition.empty());

        Model model = client.models().create(new ModelRef(project, "eta"), ModelDefinition.builder()
                .description("minutes to pickup").owner("carol").type("regressor")
                .feature("city").feature("distance_km")
                .hyperparameter("maxDepth", "5").hyperparameter("eta", "0.1")
                .tag("pricing")
                .previousModel(previous)
                .dependsOn(upstream)
                .build());

        assertThat(model).isEqualTo(client.models().get(new ModelRef(model.project(), model.name())));
        assertThat(model.fullName()).isEqualTo(project + "/eta");
        assertThat(model.description()).isEqualTo("minutes to pickup");
        assertThat(model.owner()).isEqualTo("carol");
        assertThat(model.type()).isEqualTo("regressor");
        assertThat(model.features()).containsExactly("city", "distance_km");
        // Sorted by key, whatever order the server sends.
        assertThat(model.hyperparameters()).containsExactly(Map.entry("eta", "0.1"), Map.entry("maxDepth", "5"));
        assertThat(model.tags()).containsExactly("pricing");
        assertThat(model.previousModel()).isEqualTo(previous.toString());
        assertThat(model.dependsOn()).containsExactly(upstream.toString());
        assertThat(model.createdBy()).isEqualTo("alice");
        assertThat(client.models().get(previous).nextModels()).containsExactly(model.fullName());
        assertThat(client.models().list(project)).extracting(Model::name).containsExactlyInAnyOrder("eta_v0", "demand", "eta");
    }

    @Test
    void addsAndRemovesDependenciesAndRefusesACycle() {
        String project = newProject();
        ModelRef upstream = new ModelRef(project, "upstream");
        ModelRef downstream = new ModelRef(project, "downstream");
        client.models().create(upstream, ModelDefinition.empty());
        client.models().create(downstream, ModelDefinition.empty());

        Model added = client.models().addDependency(downstream, upstream);
        Lineage lineage = client.models().lineage(upstream);

        assertThat(added.dependsOn()).containsExactly(upstream.toString());
        assertThat(lineage.downstream()).extracting(Lineage.DownstreamNode::model).containsExactly(downstream.toString());
        assertThatThrownBy(() -> client.models().addDependency(upstream, downstream))
                .asInstanceOf(type(CarraraClientException.class))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo("DEPENDENCY_CYCLE");
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode().type()).isEqualTo(ErrorType.CONFLICT);
                    assertThat(e.getMessage()).contains(upstream.toString());
                });
        assertThat(client.models().removeDependency(downstream, upstream).dependsOn()).isEmpty();
        assertThat(client.models().get(upstream).dependents()).isEmpty();
    }

    @Test
    void uploadsABlobFromAStreamReportingProgress() {
        byte[] bytes = randomBytes(200_000, 1);
        List<Long> totals = new CopyOnWriteArrayList<>();
        AtomicLong last = new AtomicLong();
        TransferProgress progress = new TransferProgress() {
            @Override
            public void start(long totalBytes) {
                totals.add(totalBytes);
            }

            @Override
            public void accept(long bytesSent) {
                last.set(bytesSent);
            }
        };

        StoredBlob blob = client.instances().uploadBlob(new ByteArrayInputStream(bytes), progress);

        assertThat(blob.sha256()).isEqualTo(BlobDigests.hex(BlobDigests.newSha256().digest(bytes)));
        assertThat(blob.size()).isEqualTo(bytes.length);
        assertThat(totals).containsExactly((long) bytes.length);
        assertThat(last.get()).isEqualTo(bytes.length);
    }

    @Test
    void uploadsADirectoryAsAZipWithProvenanceAndDownloadsIt() throws IOException {
        ModelRef model = newModel();
        Path directory = work.resolve("model");
        Files.createDirectories(directory.resolve("stages/0"));
        Files.writeString(directory.resolve("metadata.json"), "{}");
        Files.write(directory.resolve("stages/0/data.bin"), randomBytes(50_000, 2));
        List<Long> totals = new CopyOnWriteArrayList<>();
        TransferProgress progress = new TransferProgress() {
            @Override
            public void start(long totalBytes) {
                totals.add(totalBytes);
            }

            @Override
            public void accept(long bytesSent) {}
        };

        // Opaque: these files are no Spark save, and a spark-pipeline upload must be one.
        Instance instance = client.instances().upload(model, directory, ArtifactFormat.OPAQUE, Map.of("city", "nyc"), progress);
        Path written = client.instances().download(instance.id(), work.resolve("copy"), TransferProgress.NONE);

        assertThat(instance.model()).isEqualTo(model.toString());
        assertThat(instance.version()).isEqualTo(1);
        assertThat(instance.reason()).isEqualTo("upload");
        assertThat(instance.createdBy()).isEqualTo("alice");
        assertThat(instance.artifact().packaging()).isEqualTo(Packaging.ZIP);
        assertThat(instance.artifact().format()).isEqualTo(ArtifactFormat.OPAQUE.wireName());
        assertThat(totals).containsExactly(instance.artifact().size());
        assertThat(instance.metadata()).containsExactly(Map.entry("city", "nyc"));
        // The client sends format 2: its runtime under provenance.client; the server adds who and when.
        assertThat(instance.provenance().formatVersion()).isEqualTo(2);
        assertThat(instance.provenance().uploader()).isEqualTo("alice");
        assertThat(instance.provenance().client()).isEqualTo(Map.of(
                "carraraVersion", CarraraClient.carraraVersion(),
                "javaVersion", System.getProperty("java.version"),
                "os", System.getProperty("os.name"),
                "arch", System.getProperty("os.arch")));
        assertThat(instance.provenance().fileName()).isNull();
        assertThat(client.instances().get(instance.id())).isEqualTo(instance);
        assertThat(written).isEqualTo(work.resolve("copy").toAbsolutePath());
        assertThat(Files.readString(written.resolve("metadata.json"))).isEqualTo("{}");
        assertThat(Files.mismatch(written.resolve("stages/0/data.bin"), directory.resolve("stages/0/data.bin")))
                .isEqualTo(-1L);
    }

    @Test
    void uploadingTheSameDirectoryTwiceStoresTheSameBlob() throws IOException {
        ModelRef model = newModel();
        Path directory = Files.createDirectories(work.resolve("model"));
        Files.writeString(directory.resolve("a.txt"), "a");

        Instance first = client.instances().upload(model, directory, ArtifactFormat.OPAQUE, Map.of(), TransferProgress.NONE);
        Instance second = client.instances().upload(model, directory, ArtifactFormat.OPAQUE, Map.of(), TransferProgress.NONE);

        assertThat(second.artifact().sha256()).isEqualTo(first.artifact().sha256());
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.previousInstance()).isEqualTo(first.id());
        assertThat(client.instances().list(model)).extracting(Instance::id).containsExactly(second.id(), first.id());
    }

    @Test
    void refusesToDownloadACorruptedArtifactAndWritesNothing() throws IOException {
        ModelRef model = newModel();
        Path file = Files.write(work.resolve("weights.bin"), randomBytes(100_000, 3));
        Instance instance = client.instances().upload(model, file, ArtifactFormat.OPAQUE, Map.of(), TransferProgress.NONE);
        Path blob = Path.of(URI.create(instance.artifact().uri()));
        // Same length, different bytes: only the hash can tell.
        Files.write(blob, randomBytes(100_000, 4));
        Path target = work.resolve("target");
        // A client of its own: the server drops the connection after the bad bytes, and a shared
        // client could pick that connection from its pool for the next test's request.
        CarraraClient downloader = CarraraClient.builder(server.uri()).build();

        assertThatThrownBy(() -> downloader.instances().download(instance.id(), target, TransferProgress.NONE))
                .asInstanceOf(type(CarraraClientException.class))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo("BLOB_CORRUPTED");
                    assertThat(e.getMessage()).contains("nothing was written");
                });
        assertThat(target.resolve("weights.bin")).doesNotExist();
        try (Stream<Path> entries = Files.list(target)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void recordsNumericAndStructuredMetrics() throws IOException {
        ModelRef model = newModel();
        Instance instance = client.instances().upload(model, Files.writeString(work.resolve("m"), "m"), ArtifactFormat.OPAQUE,
                Map.of(), TransferProgress.NONE);
        ObjectMapper json = CarraraJson.newObjectMapper();

        Metric mae = client.instances().addMetric(instance.id(), MetricDefinition.numeric("mae", "validation", 4.2, Map.of("window", "7d")));
        Metric roc = client.instances().addMetric(instance.id(),
                MetricDefinition.structured("roc", "validation", json.readTree("{\"fpr\": [0, 1]}"), Map.of()));

        assertThat(mae.value()).isEqualTo(4.2);
        assertThat(mae.data()).isNull();
        assertThat(mae.scope()).isEqualTo("validation");
        assertThat(mae.metadata()).containsExactly(Map.entry("window", "7d"));
        assertThat(mae.recordedBy()).isEqualTo("alice");
        assertThat(roc.value()).isNull();
        assertThat((Object) json.valueToTree(roc.data())).isEqualTo(json.readTree("{\"fpr\": [0, 1]}"));
        assertThat(client.instances().listMetrics(instance.id())).containsExactly(mae, roc);
        assertThatThrownBy(() -> new MetricDefinition("both", null, 1.0, json.readTree("[]"), Map.of()))
                .isInstanceOf(CarraraException.class).hasMessageContaining("exactly one");
    }

    @Test
    void searchesAndReportsSyntaxErrorsWithTheirCode() throws IOException {
        ModelRef model = newModel();
        Instance nyc = client.instances().upload(model, Files.writeString(work.resolve("a"), "a"), ArtifactFormat.OPAQUE,
                Map.of("city", "nyc"), TransferProgress.NONE);
        client.instances().upload(model, Files.writeString(work.resolve("b"), "b"), ArtifactFormat.OPAQUE,
                Map.of("city", "sf"), TransferProgress.NONE);

        Page<Instance> found = client.instances().search("model = '" + model.name() + "' AND meta.city = 'nyc'", null, null);

        assertThat(found.items()).extracting(Instance::id).containsExactly(nyc.id());
        assertThat(found.hasMore()).isFalse();
        assertThatThrownBy(() -> client.instances().search("model = = 'x'", 10, 0))
                .asInstanceOf(type(CarraraClientException.class))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo("SEARCH_SYNTAX");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode().type()).isEqualTo(ErrorType.INVALID_INPUT);
                    // The client rebuilds the server's own code, number included, from the wire.
                    assertThat(e.errorCode()).isEqualTo(io.carrara.registry.RegistryErrorCode.SEARCH_SYNTAX.toErrorCode());
                });
    }

    @Test
    void deprecatesAnInstance() throws IOException {
        ModelRef model = newModel();
        Instance instance = client.instances().upload(model, Files.writeString(work.resolve("a"), "a"), ArtifactFormat.OPAQUE,
                Map.of(), TransferProgress.NONE);

        Instance deprecated = client.instances().deprecate(instance.id(), "leaks the label");

        assertThat(deprecated.deprecated()).isTrue();
        assertThat(deprecated.deprecatedReason()).isEqualTo("leaks the label");
        assertThat(deprecated.deprecatedBy()).isEqualTo("alice");
        assertThat(deprecated.deprecatedAt()).isNotNull();
    }

    @Test
    void followsEventsAfterAnId() {
        long before = lastEventId();
        String project = newProject();

        List<Event> events = client.events().list(before, 100).items();

        assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(event.id()).isGreaterThan(before));
        assertThat(events).anySatisfy(event -> {
            assertThat(event.type()).isEqualTo("project.created");
            assertThat(event.project()).isEqualTo(project);
        });
    }

    @Test
    void reportsServerErrorsWithCodeFieldAndStatus() {
        String project = newProject();

        assertThatThrownBy(() -> client.models().get(new ModelRef(project, "missing")))
                .asInstanceOf(type(CarraraClientException.class))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo("NOT_FOUND");
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("missing");
                });
        assertThatThrownBy(() -> client.projects().create(project, null))
                .asInstanceOf(type(CarraraClientException.class))
                .satisfies(e -> assertThat(e.errorCode()).isEqualTo(StandardErrorCode.ALREADY_EXISTS.toErrorCode()));
        assertThatThrownBy(() -> client.instances().create(new ModelRef(project, "missing"),
                        new InstanceDefinition("0".repeat(64), ArtifactFormat.OPAQUE, Packaging.FILE, Map.of(),
                                new NewProvenance(null, Map.of(), null, Map.of()))))
                .isInstanceOf(CarraraClientException.class);
    }

    @Test
    void checksNamesBeforeSendingAnything() {
        assertThatThrownBy(() -> client.projects().create("no spaces", null))
                .isInstanceOf(CarraraException.class)
                .isNotInstanceOf(CarraraClientException.class)
                .satisfies(e -> assertThat(((CarraraException) e).field()).hasValue("project"));
    }

    @Test
    void refusesAMissingPathBeforeContactingTheServer() {
        CarraraClient unreachable = CarraraClient.builder(URI.create("http://127.0.0.1:9")).build();

        assertThatThrownBy(() -> unreachable.instances().upload(new ModelRef("p", "m"), work.resolve("missing"), ArtifactFormat.OPAQUE,
                        Map.of(), TransferProgress.NONE))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void refusesAServerThatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> CarraraClient.builder(URI.create("localhost:8080")))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("is not an http(s) URL");
    }

    private static long lastEventId() {
        long after = 0;
        while (true) {
            List<Event> events = client.events().list(after, 1000).items();
            if (events.isEmpty()) {
                return after;
            }
            after = events.get(events.size() - 1).id();
        }
    }

    private static String uniqueName(String prefix) {
        return prefix + NEXT_NAME.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String newProject() {
        String name = uniqueName("project");
        client.projects().create(name, null);
        return name;
    }

    private static ModelRef newModel() {
        ModelRef model = new ModelRef(newProject(), "model");
        client.models().create(model, ModelDefinition.empty());
        return model;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
