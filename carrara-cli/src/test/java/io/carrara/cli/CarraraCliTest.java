package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.registry.Event;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraJson;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command of the CLI, run in-process against a real server on a free port. */
class CarraraCliTest {
    private static final AtomicInteger NEXT_PROJECT = new AtomicInteger();
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    @TempDir
    static Path serverHome;

    private static CarraraServer server;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() throws Exception {
        server = CarraraServer.start(ServerConfig.embedded(serverHome, 0).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- projects

    @Test
    void createsAndListsProjects() {
        String name = "demand" + NEXT_PROJECT.incrementAndGet();

        CommandResult created = carrara("project", "create", name, "--description", "pricing models");
        CommandResult listed = carrara("project", "list");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("created project " + name + "\n");
        assertThat(created.err()).isEmpty();
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.out().lines().findFirst().orElseThrow().split(" +"))
                .containsExactly("name", "created_at", "created_by", "description");
        assertThat(listed.out().lines().filter(line -> line.startsWith(name + " ")))
                .singleElement().satisfies(line -> assertThat(line).contains(" alice ").endsWith(" pricing models"));
    }

    @Test
    void recordsTheUserGivenAfterTheSubcommand() {
        String name = "owned" + NEXT_PROJECT.incrementAndGet();

        CommandResult created = CommandResult.run("project", "create", name, "--server", server.uri().toString(),
                "--user", "bob");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(client().projects().get(name).createdBy()).isEqualTo("bob");
    }

    @Test
    void refusesADuplicateProjectWithOneErrorLine() {
        String name = newProject();

        CommandResult duplicate = carrara("project", "create", name);

        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.out()).isEmpty();
        assertThat(duplicate.err()).startsWith("error: ").contains(name).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(duplicate.err().lines()).hasSize(1);
    }

    // ---- models

    @Test
    void createsAModelWithEveryFieldAndShowsIt() {
        String project = newProject();
        ok("model", "create", project + "/eta_v0");
        ok("model", "create", project + "/demand_conversion");

        CommandResult created = carrara("model", "create", project + "/eta",
                "--description", "minutes to pickup", "--owner", "carol", "--type", "regressor",
                "--feature", "city", "--feature", "distance_km",
                "--hyperparameter", "maxDepth=5", "--hyperparameter", "eta=0.1",
                "--tag", "pricing", "--tag", "beta",
                "--previous", project + "/eta_v0", "--depends-on", project + "/demand_conversion");
        CommandResult shown = carrara("model", "show", project + "/eta");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("created model " + project + "/eta\n");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(keyValues(shown.out()))
                .containsEntry("model", project + "/eta")
                .containsEntry("description", "minutes to pickup")
                .containsEntry("owner", "carol")
                .containsEntry("type", "regressor")
                .containsEntry("features", "city, distance_km")
                .containsEntry("hyperparameters", "eta=0.1, maxDepth=5")
                .containsEntry("tags", "pricing, beta")
                .containsEntry("previous_model", project + "/eta_v0")
                .containsEntry("next_models", "-")
                .containsEntry("depends_on", project + "/demand_conversion")
                .containsEntry("dependents", "-")
                .containsEntry("created_by", "alice")
                .containsKey("created_at");
        assertThat(keyValues(ok("model", "show", project + "/eta_v0").out()))
                .containsEntry("next_models", project + "/eta");
        assertThat(keyValues(ok("model", "show", project + "/demand_conversion").out()))
                .containsEntry("dependents", project + "/eta");
    }

    @Test
    void listsTheModelsOfAProject() {
        String project = newProject();
        ok("model", "create", project + "/b_model", "--type", "classifier", "--owner", "dan");
        ok("model", "create", project + "/a_model");

        CommandResult listed = carrara("model", "list", project);

        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        List<String> lines = listed.out().lines().toList();
        assertThat(lines.get(0)).startsWith("model").contains("type", "owner", "depends_on", "created_at", "description");
        assertThat(lines.subList(1, lines.size())).hasSize(2)
                .anySatisfy(line -> assertThat(line).startsWith(project + "/b_model ").contains(" classifier ", " dan "))
                .anySatisfy(line -> assertThat(line).startsWith(project + "/a_model "));
    }

    @Test
    void addsAndRemovesADependency() {
        String project = newProject();
        ok("model", "create", project + "/upstream");
        ok("model", "create", project + "/downstream");

        CommandResult depended = carrara("model", "depend", project + "/downstream", "--on", project + "/upstream");
        Map<String, String> afterDepend = keyValues(ok("model", "show", project + "/downstream").out());
        CommandResult undepended = carrara("model", "undepend", project + "/downstream", "--on", project + "/upstream");
        Map<String, String> afterUndepend = keyValues(ok("model", "show", project + "/downstream").out());

        assertThat(depended.exitCode()).as(depended.toString()).isZero();
        assertThat(depended.out()).isEqualTo(project + "/downstream depends on " + project + "/upstream\n");
        assertThat(afterDepend).containsEntry("depends_on", project + "/upstream");
        assertThat(undepended.exitCode()).as(undepended.toString()).isZero();
        assertThat(undepended.out()).isEqualTo(project + "/downstream no longer depends on " + project + "/upstream\n");
        assertThat(afterUndepend).containsEntry("depends_on", "-");
    }

    @Test
    void refusesADependencyCycle() {
        String project = newProject();
        ok("model", "create", project + "/first");
        ok("model", "create", project + "/second", "--depends-on", project + "/first");

        CommandResult cycle = carrara("model", "depend", project + "/first", "--on", project + "/second");

        assertThat(cycle.exitCode()).isEqualTo(1);
        assertThat(cycle.err()).startsWith("error: ");
        assertThat(keyValues(ok("model", "show", project + "/first").out())).containsEntry("depends_on", "-");
    }

    // ---- instances

    @Test
    void uploadsADirectoryAndDownloadsTheSameFiles() throws IOException {
        String model = newModel();
        Path directory = work.resolve("pipeline");
        write(directory.resolve("metadata/part-00000"), "{\"class\":\"org.apache.spark.ml.PipelineModel\"}\n");
        write(directory.resolve("stages/0_indexer/data/part-00000.parquet"), randomBytes(70_000, 1));
        write(directory.resolve("stages/1_forest/metadata/part-00000"), "{}");
        write(directory.resolve("README"), "");

        // Opaque: these files are no Spark save, and a spark-pipeline upload must be one.
        CommandResult uploaded = carrara("instance", "upload", model, directory.toString(),
                "--format", "opaque", "--meta", "city=nyc", "--meta", "trainingData=hive://trips/2026-11-01");
        String id = uploaded.outLine();
        Path target = work.resolve("copy");
        CommandResult downloaded = carrara("instance", "download", id, target.toString());

        assertThat(uploaded.exitCode()).as(uploaded.toString()).isZero();
        assertThat(uploaded.out()).matches("[0-9a-f-]{36}\n");
        assertThat(uploaded.err()).isEmpty();
        assertThat(downloaded.exitCode()).as(downloaded.toString()).isZero();
        assertThat(downloaded.outLine()).isEqualTo(target.toAbsolutePath().toString());
        assertThat(filesUnder(target)).isEqualTo(filesUnder(directory));
        assertThat(filesUnder(target)).hasSize(4);
    }

    @Test
    void downloadsADirectoryIntoAnEmptyDirectoryButNotOverOtherFiles() throws IOException {
        String model = newModel();
        Path directory = work.resolve("model");
        write(directory.resolve("weights.bin"), randomBytes(1000, 2));
        String id = ok("instance", "upload", model, directory.toString()).outLine();
        Path empty = Files.createDirectory(work.resolve("empty"));
        Path occupied = Files.createDirectory(work.resolve("occupied"));
        write(occupied.resolve("keep.txt"), "mine");

        CommandResult intoEmpty = carrara("instance", "download", id, empty.toString());
        CommandResult intoOccupied = carrara("instance", "download", id, occupied.toString());

        assertThat(intoEmpty.exitCode()).as(intoEmpty.toString()).isZero();
        assertThat(filesUnder(empty)).isEqualTo(filesUnder(directory));
        assertThat(intoOccupied.exitCode()).isEqualTo(1);
        assertThat(intoOccupied.err()).startsWith("error: ").contains("is not empty");
        assertThat(filesUnder(occupied)).containsOnlyKeys("keep.txt");
    }

    @Test
    void uploadsASingleFileAndDownloadsItUnderItsName() throws IOException {
        String model = newModel();
        Path file = write(work.resolve("model.onnx"), randomBytes(5000, 3));

        String id = ok("instance", "upload", model, file.toString(), "--format", "opaque").outLine();
        Path target = work.resolve("out");
        CommandResult downloaded = carrara("instance", "download", id, target.toString());
        CommandResult again = carrara("instance", "download", id, target.toString());

        assertThat(downloaded.exitCode()).as(downloaded.toString()).isZero();
        assertThat(downloaded.outLine()).isEqualTo(target.resolve("model.onnx").toAbsolutePath().toString());
        assertThat(Files.readAllBytes(target.resolve("model.onnx"))).isEqualTo(Files.readAllBytes(file));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already exists");
        assertThat(filesUnder(target)).containsOnlyKeys("model.onnx");
    }

    @Test
    void drawsProgressOnStderrAndKeepsStdoutToTheId() throws IOException {
        String model = newModel();
        Path file = write(work.resolve("large.bin"), randomBytes(3 * 1024 * 1024, 4));
        String previous = System.setProperty(TransferBar.STDERR_TERMINAL_PROPERTY, "true");
        CommandResult uploaded;
        CommandResult downloaded;
        try {
            uploaded = carrara("instance", "upload", model, file.toString());
            downloaded = carrara("instance", "download", uploaded.outLine(), work.resolve("large").toString());
        } finally {
            if (previous == null) {
                System.clearProperty(TransferBar.STDERR_TERMINAL_PROPERTY);
            } else {
                System.setProperty(TransferBar.STDERR_TERMINAL_PROPERTY, previous);
            }
        }

        assertThat(uploaded.exitCode()).as(uploaded.toString()).isZero();
        assertThat(uploaded.out()).matches("[0-9a-f-]{36}\n");
        assertThat(uploaded.err()).contains("upload").contains("100%").contains("3/3MiB");
        assertThat(downloaded.exitCode()).as(downloaded.toString()).isZero();
        assertThat(downloaded.out()).doesNotContain("%");
        assertThat(downloaded.err()).contains("download").contains("100%");
        assertThat(Files.mismatch(file, work.resolve("large/large.bin"))).isEqualTo(-1L);
    }

    @Test
    void showsAnInstanceAsTextAndAsJson() throws IOException {
        String model = newModel();
        Path file = write(work.resolve("model.txt"), "weights");
        String id = ok("instance", "upload", model, file.toString(), "--format", "opaque", "--meta", "city=nyc").outLine();

        CommandResult text = carrara("instance", "show", id);
        CommandResult json = carrara("instance", "show", id, "--json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(keyValues(text.out()))
                .containsEntry("id", id)
                .containsEntry("model", model)
                .containsEntry("version", "1")
                .containsEntry("created_by", "alice")
                .containsEntry("reason", "upload")
                .containsEntry("previous_instance", "-")
                .containsEntry("format", "opaque")
                .containsEntry("packaging", "file")
                .containsEntry("size", "7")
                .containsEntry("deprecated", "no")
                .containsEntry("meta.city", "nyc")
                .containsEntry("provenance.fileName", "model.txt")
                .containsEntry("provenance.formatVersion", "2")
                .containsEntry("provenance.uploader", "alice")
                .containsEntry("provenance.client.carraraVersion", io.carrara.client.CarraraClient.carraraVersion())
                .containsEntry("provenance.client.javaVersion", System.getProperty("java.version"))
                .containsEntry("provenance.client.os", System.getProperty("os.name"))
                .containsEntry("provenance.client.arch", System.getProperty("os.arch"))
                .containsEntry("provenance.server.javaVersion", System.getProperty("java.version"))
                .containsKeys("sha256", "uri", "created_at");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode parsed = JSON.readTree(json.out());
        assertThat(parsed.get("id").asText()).isEqualTo(id);
        assertThat(parsed.get("model").asText()).isEqualTo(model);
        assertThat(parsed.at("/artifact/format").asText()).isEqualTo("opaque");
        assertThat(parsed.at("/artifact/packaging").asText()).isEqualTo("file");
        assertThat(parsed.at("/artifact/sha256").asText()).isEqualTo(keyValues(text.out()).get("sha256"));
        assertThat(parsed.at("/metadata/city").asText()).isEqualTo("nyc");
        assertThat(parsed.get("deprecated").asBoolean()).isFalse();
    }

    @Test
    void annotatesAnInstanceAndShowsItsAnnotations() throws IOException {
        String model = newModel();
        String id = ok("instance", "upload", model, write(work.resolve("annotated"), "1").toString()).outLine();

        assertThat(ok("instance", "annotate", id, "reviewed=yes", "ticket=ML-42").out())
                .isEqualTo("annotation.reviewed = yes\nannotation.ticket = ML-42\n");
        assertThat(ok("instance", "annotate", id, "--remove", "ticket").out()).isEqualTo("removed annotation.ticket (was ML-42)\n");
        List<String> listed = ok("instance", "annotate", id).out().lines().toList();
        assertThat(listed.get(0).split(" +")).containsExactly("key", "value", "set_by", "set_at");
        assertThat(listed.get(1).split(" +")).startsWith("reviewed", "yes", "alice");
        assertThat(listed).hasSize(2);
        assertThat(keyValues(ok("instance", "show", id).out()).get("annotation.reviewed")).startsWith("yes  (alice, ");

        CommandResult malformed = carrara("instance", "annotate", id, "reviewed");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("KEY=VALUE");
        CommandResult badKey = carrara("instance", "annotate", id, "bad key=x");
        assertThat(badKey.exitCode()).as(badKey.toString()).isNotZero();
        assertThat(badKey.err()).contains("key").doesNotContain("Exception");
        CommandResult absent = carrara("instance", "annotate", id, "--remove", "never-set");
        assertThat(absent.exitCode()).as(absent.toString()).isNotZero();
        assertThat(absent.err()).contains("no annotation 'never-set'");
    }

    @Test
    void listsInstancesNewestFirstAndDeprecatesOne() throws IOException {
        String model = newModel();
        String first = ok("instance", "upload", model, write(work.resolve("one"), "1").toString()).outLine();
        String second = ok("instance", "upload", model, write(work.resolve("two"), "2").toString()).outLine();

        CommandResult deprecated = carrara("instance", "deprecate", first, "--reason", "leaks the label");
        CommandResult listed = carrara("instance", "list", model);
        Map<String, String> shown = keyValues(ok("instance", "show", first).out());

        assertThat(deprecated.exitCode()).as(deprecated.toString()).isZero();
        assertThat(deprecated.out()).isEqualTo("deprecated instance " + first + " of " + model + ": leaks the label\n");
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        List<String> lines = listed.out().lines().toList();
        assertThat(lines.get(0).split(" +"))
                .containsExactly("id", "version", "created_at", "created_by", "format", "reason", "deprecated");
        assertThat(lines.get(1).split(" +")).startsWith(second, "2").endsWith("opaque", "upload", "no");
        assertThat(lines.get(2).split(" +")).startsWith(first, "1").endsWith("opaque", "upload", "yes");
        assertThat(lines).hasSize(3);
        assertThat(shown).containsEntry("deprecated", "yes: leaks the label").containsEntry("deprecated_by", "alice");
    }

    // ---- metrics

    @Test
    void recordsNumericAndStructuredMetricsAndListsThem() throws IOException {
        String model = newModel();
        String id = ok("instance", "upload", model, write(work.resolve("m"), "m").toString()).outLine();
        Path curve = write(work.resolve("curve.json"), "{\"fpr\": [0, 0.5, 1], \"tpr\": [0, 0.8, 1]}");

        CommandResult numeric = carrara("metric", "add", id, "mae", "4.2", "--scope", "validation", "--meta", "window=7d");
        CommandResult structured = carrara("metric", "add", id, "roc", "--file", curve.toString(), "--scope", "validation");
        CommandResult listed = carrara("metric", "list", id);

        assertThat(numeric.exitCode()).as(numeric.toString()).isZero();
        assertThat(numeric.out()).isEqualTo("recorded mae = 4.2 (validation) for instance " + id + "\n");
        assertThat(structured.exitCode()).as(structured.toString()).isZero();
        assertThat(structured.out()).startsWith("recorded roc = {\"fpr\":[0,0.5,1],");
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        List<String> lines = listed.out().lines().toList();
        assertThat(lines.get(0).split(" +"))
                .containsExactly("name", "scope", "value", "recorded_at", "recorded_by", "metadata");
        assertThat(lines.get(1).split(" +")).startsWith("mae", "validation", "4.2").endsWith("alice", "window=7d");
        assertThat(lines.get(2).split(" +"))
                .startsWith("roc", "validation", "{\"fpr\":[0,0.5,1],\"tpr\":[0,0.8,1]}").endsWith("alice", "-");
        assertThat(lines).hasSize(3);
        assertThat((Object) JSON.valueToTree(client().instances().listMetrics(UUID.fromString(id)).get(1).data()))
                .isEqualTo(JSON.readTree(Files.readString(curve)));
    }

    @Test
    void refusesBothOrNeitherValueAndFileAsUsageErrors() throws IOException {
        String model = newModel();
        String id = ok("instance", "upload", model, write(work.resolve("m"), "m").toString()).outLine();
        Path curve = write(work.resolve("curve.json"), "[1, 2]");

        CommandResult neither = carrara("metric", "add", id, "mae");
        CommandResult both = carrara("metric", "add", id, "mae", "4.2", "--file", curve.toString());

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("Missing VALUE or --file FILE").contains("Usage: carrara metric add");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
        assertThat(client().instances().listMetrics(UUID.fromString(id))).isEmpty();
    }

    // ---- search

    @Test
    void searchesByMetadataAsATableAndAsJsonLines() throws IOException {
        String model = newModel();
        String modelName = model.substring(model.indexOf('/') + 1);
        String nyc = ok("instance", "upload", model, write(work.resolve("a"), "a").toString(),
                "--meta", "city=nyc", "--meta", "seed=7").outLine();
        ok("instance", "upload", model, write(work.resolve("b"), "b").toString(), "--meta", "city=sf");
        String filter = "model = '" + modelName + "' AND meta.city = 'nyc'";

        CommandResult table = carrara("search", filter);
        CommandResult json = carrara("search", filter, "--json");

        assertThat(table.exitCode()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0).split(" +"))
                .containsExactly("id", "model", "version", "created_at", "format", "deprecated", "meta.city", "meta.seed");
        assertThat(lines.get(1).split(" +")).containsExactly(nyc, model, "1", lines.get(1).split(" +")[3],
                "opaque", "no", "nyc", "7");
        assertThat(lines).hasSize(2);
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.out().lines()).singleElement().satisfies(line -> {
            JsonNode instance = JSON.readTree(line);
            assertThat(instance.get("id").asText()).isEqualTo(nyc);
            assertThat(instance.at("/metadata/seed").asText()).isEqualTo("7");
        });
    }

    @Test
    void pagesSearchResultsWithLimitAndOffset() throws IOException {
        String model = newModel();
        String modelName = model.substring(model.indexOf('/') + 1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(ok("instance", "upload", model, write(work.resolve("f" + i), "f" + i).toString()).outLine());
        }
        String filter = "model = '" + modelName + "' ORDER BY version ASC";

        CommandResult firstPage = carrara("search", filter, "--limit", "2", "--json");
        CommandResult lastPage = carrara("search", filter, "--limit", "2", "--offset", "2", "--json");

        assertThat(firstPage.exitCode()).as(firstPage.toString()).isZero();
        assertThat(firstPage.out().lines().map(CarraraCliTest::idOf)).containsExactly(ids.get(0), ids.get(1));
        assertThat(lastPage.out().lines().map(CarraraCliTest::idOf)).containsExactly(ids.get(2));
        assertThat(lastPage.err()).isEmpty();
    }

    @Test
    void excludesDeprecatedInstancesWhenAsked() throws IOException {
        String model = newModel();
        String modelName = model.substring(model.indexOf('/') + 1);
        String old = ok("instance", "upload", model, write(work.resolve("old"), "old").toString()).outLine();
        String current = ok("instance", "upload", model, write(work.resolve("new"), "new").toString()).outLine();
        ok("instance", "deprecate", old, "--reason", "superseded");

        CommandResult found = carrara("search", "model = '" + modelName + "' AND NOT deprecated", "--json");

        assertThat(found.exitCode()).as(found.toString()).isZero();
        assertThat(found.out().lines().map(CarraraCliTest::idOf)).containsExactly(current);
    }

    // ---- lineage

    @Test
    void drawsLineageTreesAndInstanceHistory() throws IOException {
        String project = newProject();
        ok("model", "create", project + "/raw_trips");
        ok("model", "create", project + "/demand", "--depends-on", project + "/raw_trips");
        ok("model", "create", project + "/eta", "--depends-on", project + "/demand");
        ok("model", "create", project + "/pricing", "--depends-on", project + "/eta");
        String etaFirst = ok("instance", "upload", project + "/eta", write(work.resolve("eta"), "eta").toString()).outLine();
        String demand = ok("instance", "upload", project + "/demand", write(work.resolve("demand"), "d").toString()).outLine();

        CommandResult lineage = carrara("lineage", project + "/eta");

        assertThat(lineage.exitCode()).as(lineage.toString()).isZero();
        List<String> lines = lineage.out().lines().toList();
        assertThat(lines.subList(0, 8)).containsExactly(
                "model " + project + "/eta",
                "upstream:",
                "  " + project + "/demand",
                "    " + project + "/raw_trips",
                "downstream:",
                "  " + project + "/pricing",
                "instances, newest first:",
                lines.get(7));
        assertThat(lines.get(7).split(" +"))
                .containsExactly("id", "version", "created_at", "reason", "previous", "dependencies", "deprecated");
        // Uploading demand rebuilt eta against it: a second instance, reason dependency-update.
        assertThat(lines.get(8).split(" +")).startsWith(lines.get(8).split(" +")[0], "2")
                .contains("dependency-update", etaFirst, project + "/demand=" + demand)
                .endsWith("no");
        assertThat(lines.get(9).split(" +")).startsWith(etaFirst, "1").contains("upload").endsWith("-", "-", "no");
        assertThat(lines).hasSize(10);
    }

    @Test
    void drawsEmptyTreesAsNone() {
        String model = newModel();

        CommandResult lineage = carrara("lineage", model);

        assertThat(lineage.exitCode()).as(lineage.toString()).isZero();
        assertThat(lineage.out().lines()).containsExactly(
                "model " + model, "upstream:", "  (none)", "downstream:", "  (none)", "instances, newest first:",
                lineage.out().lines().toList().get(6));
    }

    // ---- bad input

    @Test
    void badInputFailsClearlyAndChangesNothing() throws IOException {
        String model = newModel();
        String project = model.substring(0, model.indexOf('/'));
        String id = ok("instance", "upload", model, write(work.resolve("ok"), "ok").toString()).outLine();
        long eventsBefore = eventCount();

        CommandResult unknownModel = carrara("instance", "upload", project + "/no_such_model",
                write(work.resolve("x"), "x").toString());
        CommandResult unknownProject = carrara("model", "show", "no_such_project/m");
        CommandResult malformedFilter = carrara("search", "model = 'x' AND AND");
        CommandResult notANumber = carrara("metric", "add", id, "mae", "four");
        CommandResult missingUpload = carrara("instance", "upload", model, work.resolve("missing").toString());
        CommandResult missingMetricFile = carrara("metric", "add", id, "roc", "--file", work.resolve("nope.json").toString());
        CommandResult badJson = carrara("metric", "add", id, "roc", "--file", write(work.resolve("bad.json"), "{\"a\": ").toString());
        CommandResult unknownInstance = carrara("instance", "deprecate", UUID.randomUUID().toString(), "--reason", "r");

        assertFailure(unknownModel, "no_such_model");
        assertFailure(unknownProject, "no_such_project");
        assertFailure(malformedFilter, "position");
        assertFailure(notANumber, "metric value 'four' is not a number");
        assertFailure(missingUpload, "does not exist");
        assertFailure(missingMetricFile, "cannot read " + work.resolve("nope.json") + ": no such file");
        assertFailure(badJson, "is not valid JSON");
        assertFailure(unknownInstance, "");
        assertThat(eventCount()).isEqualTo(eventsBefore);
        assertThat(client().instances().list(ModelRef.parse(model, "model"))).hasSize(1);
        assertThat(client().instances().listMetrics(UUID.fromString(id))).isEmpty();
    }

    @Test
    void malformedArgumentsAreUsageErrors() {
        CommandResult badName = carrara("model", "show", "not-a-full-name");
        CommandResult badId = carrara("instance", "show", "not-a-uuid");
        CommandResult badFormat = carrara("instance", "upload", "p/m", "x", "--format", "pickle");
        CommandResult noSubcommand = carrara("model");

        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).contains("must be PROJECT/MODEL").contains("Usage: carrara model show");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("not-a-uuid");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err()).contains("unknown artifact format 'pickle'");
        assertThat(noSubcommand.exitCode()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("Missing required subcommand");
    }

    @Test
    void printsAStackTraceOnlyWhenVerbose() {
        CommandResult quiet = carrara("model", "show", "no_such_project/m");
        CommandResult verbose = carrara("--verbose", "model", "show", "no_such_project/m");

        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.err()).startsWith("error: ").contains("CarraraClientException").contains("\tat ");
    }

    @Test
    void saysHowToStartTheServerWhenItIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;

        CommandResult result = CommandResult.run("--server", url, "project", "list");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo(
                "error: cannot reach Carrara at " + url + "; start it with ./carrara up or pass --server URL\n");
    }

    // ---- help

    @Test
    void printsUsageForEveryCommand() {
        List<List<String>> paths = new ArrayList<>();
        collectCommandPaths(new CommandLine(new CarraraCli()), new ArrayList<>(), paths);

        assertThat(paths).hasSize(102).contains(List.of("instance", "profile"), List.of("monitor", "show"), List.of("monitor", "skew"), List.of("monitor", "export"), List.of("monitor", "compute"), List.of("outcomes", "load"), List.of("monitor", "configure"), List.of("instance", "annotate"), List.of("project", "alert-webhook", "add"), List.of("rules", "test"), List.of("rules", "sync"), List.of("rules", "evaluate"), List.of("rules", "followers"), List.of("python", "validate"), List.of("token", "create"), List.of("audit"), List.of("project", "grant"), List.of("python", "build-image"), List.of("metric", "add"), List.of("lineage"), List.of("score"), List.of("predict"),
                List.of("table", "import"), List.of("batch", "predict"), List.of("workflow", "backfill"),
                List.of("features", "load"), List.of("deploy"), List.of("deployment", "history"));
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CommandResult help = CommandResult.run(args.toArray(String[]::new));

            assertThat(help.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).as(String.join(" ", args))
                    .startsWith("Usage: " + String.join(" ", withRoot(path)) + " ")
                    .contains("--server=URL", "--help", "--version");
            assertThat(help.err()).isEmpty();
        }
    }

    @Test
    void printsTheVersionOnEveryLevel() {
        assertThat(CommandResult.run("--version").out()).isEqualTo("carrara dev\n");
        assertThat(CommandResult.run("instance", "upload", "--version").out()).isEqualTo("carrara dev\n");
    }

    // ---- helpers

    private static List<String> withRoot(List<String> path) {
        List<String> full = new ArrayList<>();
        full.add("carrara");
        full.addAll(path);
        return full;
    }

    private static void collectCommandPaths(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        for (Map.Entry<String, CommandLine> subcommand : command.getSubcommands().entrySet()) {
            List<String> child = new ArrayList<>(path);
            child.add(subcommand.getKey());
            collectCommandPaths(subcommand.getValue(), child, paths);
        }
    }

    private static CommandResult carrara(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--user", "alice"));
        all.addAll(List.of(args));
        return CommandResult.run(all.toArray(String[]::new));
    }

    private static CommandResult ok(String... args) {
        CommandResult result = carrara(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result).isZero();
        return result;
    }

    private static void assertFailure(CommandResult result, String messagePart) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out()).as(result.toString()).isEmpty();
        assertThat(result.err()).as(result.toString()).startsWith("error: ").contains(messagePart).doesNotContain("\tat ");
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
    }

    private static String newProject() {
        String name = "project" + NEXT_PROJECT.incrementAndGet();
        ok("project", "create", name);
        return name;
    }

    private static String newModel() {
        String model = newProject() + "/model" + NEXT_PROJECT.incrementAndGet();
        ok("model", "create", model);
        return model;
    }

    private static CarraraClient client() {
        return CarraraClient.builder(server.uri()).user("alice").build();
    }

    private static long eventCount() {
        long count = 0;
        long after = 0;
        while (true) {
            List<Event> events = client().events().list(after, 1000).items();
            if (events.isEmpty()) {
                return count;
            }
            count += events.size();
            after = events.get(events.size() - 1).id();
        }
    }

    private static String idOf(String jsonLine) {
        try {
            return JSON.readTree(jsonLine).get("id").asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + jsonLine, e);
        }
    }

    /** The name-value rows of a key-value listing, split at the first run of two or more spaces. */
    private static Map<String, String> keyValues(String text) {
        Map<String, String> values = new TreeMap<>();
        for (String line : text.lines().toList()) {
            String[] parts = line.split(" {2,}", 2);
            values.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return values;
    }

    private static Map<String, String> filesUnder(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString().replace('\\', '/'),
                        HexFormat.of().formatHex(Files.readAllBytes(file)));
            }
        }
        return files;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
