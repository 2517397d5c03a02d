package io.carrara.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.FeatureLookup;
import io.carrara.api.deploy.MissingFeatures;
import io.carrara.api.deploy.Routing;
import io.carrara.client.CarraraClient;
import io.carrara.registry.model.NewInstance.ArtifactSpec;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code carrara deploy} and {@code carrara deployment …} in-process against a real server. */
class DeploymentCommandTest {
    private static final AtomicInteger NEXT = new AtomicInteger();

    @TempDir
    static Path serverHome;

    private static CarraraServer server;

    @BeforeAll
    static void startServer() {
        server = CarraraServer.start(ServerConfig.embedded(serverHome, 0).withAuth(ServerConfig.Auth.OFF));
        server.registry().createProject(new NewProject("demand", null), "setup");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deploysAnInstanceShowsUpdatesAndUndeploysIt() {
        ModelRef model = newModel();
        UUID v1 = instance(model);
        String name = "eta" + NEXT.incrementAndGet();

        CommandResult created = carrara("deploy", name, "--instance", v1.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("created deployment " + name + " (revision 1): " + model + ", instance " + v1 + "\n");
        assertThat(created.err()).isEmpty();

        UUID v2 = instance(model);
        CommandResult updated = carrara("deploy", name, "--model", model.toString(), "--latest",
                "--features", "driver_stats:driver_id:trips_7d,rating", "--features", "city_stats:city:surge",
                "--missing-features", "reject", "--log-sample-rate", "0.1", "--outputs", "probability,prediction");
        assertThat(updated.exitCode()).as(updated.toString()).isZero();
        assertThat(updated.out()).isEqualTo("updated deployment " + name + " (revision 2): " + model + ", instance " + v2 + "\n");

        Deployment deployment = client().deployments().get(name);
        assertThat(deployment.features()).containsExactly(
                new FeatureLookup("driver_stats", "driver_id", List.of("trips_7d", "rating")),
                new FeatureLookup("city_stats", "city", List.of("surge")));
        assertThat(deployment.missingFeatures()).isEqualTo(MissingFeatures.REJECT);
        assertThat(deployment.logSampleRate()).isEqualTo(0.1);
        assertThat(deployment.outputs()).containsExactly("probability", "prediction");
        assertThat(deployment.updatedBy()).isEqualTo("alice");

        CommandResult same = carrara("deploy", name, "--model", model.toString(), "--latest",
                "--features", "driver_stats:driver_id:trips_7d,rating", "--features", "city_stats:city:surge",
                "--missing-features", "reject", "--log-sample-rate", "0.1", "--outputs", "probability,prediction");
        assertThat(same.out()).startsWith("unchanged deployment " + name + " (revision 2)");

        CommandResult shown = carrara("deployment", "show", name);
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).contains("model", model.toString()).contains("instance", v2.toString())
                .contains("features.driver_stats", "driver_id: trips_7d,rating")
                .contains("missing_features", "reject").contains("log_sample_rate", "0.1")
                .contains("outputs", "probability,prediction");
        CommandResult json = carrara("deployment", "show", name, "--json");
        assertThat(json.out()).contains("\"missingFeatures\" : \"reject\"");

        CommandResult listed = carrara("deployment", "list");
        assertThat(listed.out().lines().findFirst().orElseThrow().split(" +"))
                .containsExactly("name", "model", "routing", "revision", "updated_at", "updated_by");
        assertThat(listed.out().lines().filter(line -> line.startsWith(name + " ")))
                .singleElement().satisfies(line -> assertThat(line).contains("instance " + v2).contains(" alice"));

        CommandResult undeployed = carrara("deployment", "undeploy", name);
        assertThat(undeployed.out()).isEqualTo("undeployed " + name + " (revision 3)\n");

        CommandResult history = carrara("deployment", "history", name);
        assertThat(history.exitCode()).as(history.toString()).isZero();
        List<String> lines = history.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).split(" +")).containsExactly("revision", "action", "changed_at", "changed_by", "changed",
                "routing");
        assertThat(lines.get(1)).startsWith("1 ").contains(" created ");
        assertThat(lines.get(2)).startsWith("2 ").contains(" updated ")
                .contains("routing,features,missingFeatures,logSampleRate,outputs");
        assertThat(lines.get(3)).startsWith("3 ").contains(" undeployed ");

        assertFailure(carrara("deployment", "show", name), "does not exist", "(field: name)");
    }

    @Test
    void deprecatingAServedInstanceWarnsWithTheDeploymentsThatStillServeIt() {
        ModelRef model = newModel();
        UUID served = instance(model);
        UUID other = instance(model);
        String name = "served" + NEXT.incrementAndGet();
        assertThat(carrara("deploy", name, "--instance", served.toString()).exitCode()).isZero();

        CommandResult deprecated = carrara("instance", "deprecate", served.toString(), "--reason", "label leak");
        CommandResult quiet = carrara("instance", "deprecate", other.toString(), "--reason", "not needed");

        assertThat(deprecated.exitCode()).as(deprecated.toString()).isZero();
        assertThat(deprecated.err()).isEqualTo("warning: deployment " + name + " still serves this instance; redeploy it with"
                + " another (carrara deploy " + name + " --model " + model + " --latest, or --instance ID)\n");
        assertThat(client().deployments().get(name).routing()).isEqualTo(new Routing.Pinned(served));
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).isEmpty();
    }

    @Test
    void deploysPartitionedRouting() {
        ModelRef model = newModel();
        UUID nyc = instance(model);
        UUID sf = instance(model);
        UUID fallback = instance(model);
        String name = "by-city" + NEXT.incrementAndGet();

        CommandResult created = carrara("deploy", name, "--partition-by", "city",
                "--instance", "nyc=" + nyc, "--instance", "sf=" + sf, "--default", fallback.toString());

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("created deployment " + name + " (revision 1): " + model + ", by city: nyc="
                + nyc + ", sf=" + sf + ", default " + fallback + "\n");
        Deployment deployment = client().deployments().get(name);
        assertThat(deployment.routing().type()).isEqualTo("partitioned");
        assertThat(((Routing.Partitioned) deployment.routing()).instances()).isEqualTo(Map.of("nyc", nyc, "sf", sf));
        assertThat(((Routing.Partitioned) deployment.routing()).fallback()).isEqualTo(fallback);
        CommandResult shown = carrara("deployment", "show", name);
        assertThat(shown.out()).contains("partition_by", "city").contains("instance.nyc", nyc.toString())
                .contains("default", fallback.toString());
    }

    @Test
    void refusesWhatTheServerRefusesWithOneErrorLine() {
        ModelRef model = newModel();
        UUID deprecated = instance(model);
        server.registry().deprecate(deprecated, "label leak", "setup");

        assertFailure(carrara("deploy", "x", "--instance", deprecated.toString()), "deprecated", "(field: instance)");
        assertFailure(carrara("deploy", "x", "--instance", UUID.randomUUID().toString()), "does not exist",
                "(field: instance)");
        assertFailure(carrara("deploy", "x", "--latest"), "model is required", "(field: model)");
        assertFailure(carrara("deploy", "x", "--instance", instance(model).toString(), "--log-sample-rate", "2"),
                "logSampleRate", "(field: logSampleRate)");
        assertFailure(carrara("deploy", "x", "--instance", instance(model).toString(), "--missing-features", "zero"),
                "missingFeatures", "(field: missingFeatures)");
        assertFailure(carrara("deploy", "x", "--instance", instance(model).toString(), "--outputs", "prediction,prediction"),
                "names prediction twice", "(field: outputs[1])");
        assertFailure(carrara("deployment", "history", "never-deployed"), "never deployed", "(field: name)");
        assertFailure(carrara("deployment", "undeploy", "never-deployed"), "does not exist", "(field: name)");
    }

    @Test
    void malformedOptionsAreUsageErrors() {
        UUID id = UUID.randomUUID();
        for (List<String> args : List.of(
                List.of("deploy", "x", "--instance", "not-a-uuid"),
                List.of("deploy", "x", "--instance", "nyc=" + id),
                List.of("deploy", "x", "--instance", id.toString(), "--instance", id.toString()),
                List.of("deploy", "x", "--partition-by", "city", "--instance", id.toString()),
                List.of("deploy", "x", "--instance", id.toString(), "--default", id.toString()),
                List.of("deploy", "x", "--instance", id.toString(), "--features", "driver_stats:rating"),
                List.of("deploy", "x", "--model", "no-slash", "--latest"),
                List.of("deploy", "x", "--instance", id.toString(), "--log-sample-rate", "lots"),
                List.of("deployment", "show"))) {
            CommandResult result = carrara(args.toArray(String[]::new));
            assertThat(result.exitCode()).as(args + "\n" + result).isEqualTo(2);
            assertThat(result.out()).as(args.toString()).isEmpty();
            assertThat(result.err()).as(args.toString()).doesNotContain("\tat ");
        }
        assertThat(client().deployments().list()).extracting(Deployment::name).doesNotContain("x");
    }

    @Test
    void monitorsADeploymentAndLoadsOutcomesFromJsonLinesAndCsv() throws IOException {
        ModelRef model = newModel();
        UUID v1 = instance(model);
        String name = "fraud" + NEXT.incrementAndGet();
        assertThat(carrara("deploy", name, "--instance", v1.toString()).exitCode()).isZero();
        java.util.List<io.carrara.registry.predictions.LoggedPrediction> logged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            logged.add(new io.carrara.registry.predictions.LoggedPrediction(name + "-p" + i, name, v1,
                    io.carrara.registry.json.RegistryJson.mapper().createObjectNode().put("amount", i),
                    io.carrara.registry.json.RegistryJson.mapper().createObjectNode().put("prediction", i % 2), 50, java.time.Instant.now()));
        }
        server.predictionLog().insertAll(logged);

        CommandResult early = carrara("outcomes", "load", name, write("early.jsonl", "{\"predictionId\": \"x\", \"outcome\": 1}\n").toString());
        assertFailure(early, "carrara monitor configure " + name + " --task", "deployment");
        CommandResult badTask = carrara("monitor", "configure", name, "--task", "ranking");
        assertFailure(badTask, "task must be classification", "task");
        assertThat(carrara("monitor", "configure", name, "--task", "classification").out())
                .isEqualTo("deployment " + name + " is monitored as a classification over 1d and 1h windows\n");
        assertThat(carrara("monitor", "settings", name).out()).contains("task         classification")
                .contains("updated_by   alice").contains("outcome_key  -\n").contains("windows      1d, 1h");

        Path jsonl = write("outcomes.jsonl", String.join("\n",
                "{\"predictionId\": \"" + name + "-p0\", \"outcome\": 0, \"observedAt\": \"2026-12-01T10:00:00Z\"}",
                "{\"predictionId\": \"" + name + "-p1\", \"outcome\": true}",
                "",
                "not json",
                "{\"predictionId\": \"" + name + "-p2\", \"outcome\": \"fraud\"}",
                "{\"predictionId\": \"" + name + "-p1\", \"outcome\": 1}",
                "{\"predictionId\": \"never-logged\", \"outcome\": 0}") + "\n");
        CommandResult loaded = carrara("outcomes", "load", name, jsonl.toString(), "--batch-size", "2");
        assertThat(loaded.exitCode()).as(loaded.toString()).isEqualTo(1);
        assertThat(loaded.out()).isEqualTo("loaded 6 outcomes for " + name + ": 4 accepted (1 duplicate, 1 without a logged prediction"
                + " yet), 2 refused\n");
        assertThat(loaded.err().lines()).containsExactly("line 4: not a JSON object",
                "line 5: [0].outcome must be 0 or 1 (or false/true) for a classification deployment, not \"fraud\"");

        Path csv = write("outcomes.csv", "prediction_id,outcome,observed_at\n" + name + "-p3,1,2026-12-01T10:00:00Z\n"
                + name + "-p4,false,\n");
        CommandResult fromCsv = carrara("outcomes", "load", name, csv.toString());
        assertThat(fromCsv.exitCode()).as(fromCsv.toString()).isZero();
        assertThat(fromCsv.out()).isEqualTo("loaded 2 outcomes for " + name + ": 2 accepted (0 duplicates, 0 without a logged"
                + " prediction yet), 0 refused\n");
        CommandResult wrongColumns = carrara("outcomes", "load", name, write("wrong.csv", "id,label\na,1\n").toString());
        assertThat(wrongColumns.exitCode()).isEqualTo(2);
        assertThat(wrongColumns.err()).contains("needs the columns predictionId");
        assertThat(carrara("outcomes", "load", name, serverHome.resolve("absent.jsonl").toString()).exitCode()).isEqualTo(2);

        // The monitor joins them with the log: four rows, whose predictions were 0, 1, 1, 0 and outcomes 0, 1, 1, 0.
        assertThat(carrara("monitor", "show", name).out()).contains("no window has joined outcomes yet");
        assertThat(carrara("monitor", "run").out()).contains(name + ": 2 windows computed");
        List<String> shown = carrara("monitor", "show", name).out().lines().toList();
        assertThat(shown.get(0)).startsWith("deployment " + name + " (classification), 1d windows from ");
        assertThat(shown.get(1).split(" +")).startsWith("window_start", "instance", "rows", "accuracy", "precision", "recall", "f1", "auc");
        assertThat(shown.get(2).split(" +")).startsWith(shown.get(2).split(" +")[0], v1.toString(), "4", "1.0000", "1.0000", "1.0000",
                "1.0000", "1.0000");
        assertThat(carrara("monitor", "show", name, "--window", "1h").out()).contains(v1.toString());
        assertFailure(carrara("monitor", "show", name, "--window", "1w"), "window must be one of", "window");

        // A reference profile from a file: two features, the prediction; the label left out.
        StringBuilder reference = new StringBuilder("amount,city,label,score\n");
        for (int i = 0; i < 50; i++) {
            reference.append(i * 1.5).append(',').append(i % 3 == 0 ? "nyc" : "sf").append(',').append(i % 2).append(',')
                    .append(i / 50.0).append('\n');
        }
        Path data = write("validation.csv", reference.toString());
        assertThat(carrara("instance", "profile", v1.toString(), data.toString(), "--exclude", "label", "--prediction-column", "score")
                .out()).isEqualTo("profiled instance " + v1 + " from 50 rows: 2 features and the prediction\n");
        CommandResult noColumn = carrara("instance", "profile", v1.toString(), data.toString(), "--prediction-column", "nope");
        assertThat(noColumn.exitCode()).isEqualTo(2);
        assertThat(noColumn.err()).contains("--prediction-column nope is not a column");
        assertThat(carrara("instance", "profile", v1.toString(), write("empty.csv", "a,b\n").toString()).err()).contains("has no rows");

        // Outcomes keyed by an input field, in a column of another name, over half-hour and daily windows.
        assertFailure(carrara("monitor", "configure", name, "--task", "classification", "--window", "1d", "--window", "7m"),
                "'7m' must divide a day evenly", "windows[1]");
        assertThat(carrara("monitor", "configure", name, "--task", "classification", "--outcome-key", "amount", "--lookback", "2d",
                "--window", "30m", "--window", "1d").out()).isEqualTo("deployment " + name + " is monitored as a classification over 1d"
                + " and 30m windows, outcomes keyed by amount within 2d\n");
        assertThat(carrara("monitor", "settings", name).out()).contains("outcome_key  amount").contains("lookback     2d")
                .contains("windows      1d, 30m");
        Path keyed = write("keyed.csv", "ref,label\n3,1\n4,0\n99,1\n");
        CommandResult byKey = carrara("outcomes", "load", name, keyed.toString(), "--key", "ref", "--outcome", "label");
        assertThat(byKey.out()).as(byKey.toString()).isEqualTo("loaded 3 outcomes for " + name + ": 3 accepted (0 duplicates, 3 without"
                + " a logged prediction yet), 0 refused\n");
        // The two matched outcomes' 1d and 30m windows, and perhaps the drift of the inputs logged within the settling time.
        assertThat(carrara("monitor", "run").out()).containsPattern(name + ": [24] windows computed");
        assertThat(server.monitor().monitoring().waitingKeyedOutcomes(name)).isEqualTo(1);   // no prediction had amount 99
        assertThat(carrara("monitor", "show", name, "--window", "30m").out()).contains(v1.toString());
        assertThat(carrara("outcomes", "load", name, keyed.toString(), "--key", "nope").err()).contains("needs the columns nope and outcome");
        // A table source: one of FILE and --table, --where only with a table, and a name that is a table's.
        assertThat(carrara("outcomes", "load", name).err()).contains("give FILE or --table, not neither");
        assertThat(carrara("outcomes", "load", name, keyed.toString(), "--where", "1 = 1").err()).contains("--where filters a --table's rows");
        CommandResult traversal = carrara("outcomes", "load", name, "--table", "../../etc/passwd");
        assertThat(traversal.exitCode()).isEqualTo(1);
        assertThat(traversal.err()).contains("is not a table name").doesNotContain("\tat ");
        assertThat(carrara("instance", "profile", v1.toString(), "--table", "csv.`/etc/passwd`").err()).contains("is not a table name");
    }

    private static Path write(String name, String text) throws IOException {
        return java.nio.file.Files.writeString(java.nio.file.Files.createTempDirectory(serverHome, "outcomes").resolve(name), text);
    }

    private static void assertFailure(CommandResult result, String messagePart, String fieldPart) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out()).as(result.toString()).isEmpty();
        assertThat(result.err()).as(result.toString()).startsWith("error: ").contains(messagePart).contains(fieldPart)
                .doesNotContain("\tat ");
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
    }

    private static ModelRef newModel() {
        return server.registry().createModel("demand", NewModel.named("model" + NEXT.incrementAndGet()), "setup").ref();
    }

    /** A new instance of the golden trips pipeline: deploys load what they route to, so it must be a model that loads. */
    private static UUID instance(ModelRef model) {
        try {
            java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
            io.carrara.spi.archive.ModelArchive.pack(io.carrara.serving.runtime.GoldenModels.model(
                    io.carrara.serving.runtime.GoldenModels.TRIPS_LR), zip);
            StoredBlob blob = server.registry().blobStore().put(new ByteArrayInputStream(zip.toByteArray()), Long.MAX_VALUE);
            return server.registry().createInstance(model,
                    new NewInstance(new ArtifactSpec(blob.sha256(), "spark-pipeline", "zip"), null, null), "setup").id();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CarraraClient client() {
        return CarraraClient.builder(server.uri()).user("alice").build();
    }

    private static CommandResult carrara(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--user", "alice"));
        all.addAll(List.of(args));
        return CommandResult.run(all.toArray(String[]::new));
    }
}
