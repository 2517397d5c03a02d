package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.model.Instance;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code carrara python …} and {@code instance upload --format python} with real environments (the
 * build's shared folder) and real Python: the templates validate as written, a model whose answers
 * differ fails validation and is refused at upload with the differences, and what an upload records.
 */
class PythonCommandTest {
    @TempDir
    static Path serverHome;

    @TempDir
    Path work;

    private static CarraraServer server;

    @BeforeAll
    static void start() {
        server = CarraraServer.start(ServerConfig.embedded(serverHome, 0).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dataframe", "tensor"})
    void initWritesAHomeThatValidatesAsItIs(String kind) {
        Path home = work.resolve(kind);
        CommandResult init = CommandResult.run("python", "init", home.toString(), "--kind", kind);
        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(home.resolve("model.py")).content().contains("carrara." + (kind.equals("dataframe") ? "DataFrameModel" : "TensorModel"));

        CommandResult validated = python("validate", home.toString());
        assertThat(validated.exitCode()).as(validated.toString()).isZero();
        assertThat(validated.out()).contains("rows, OK");
    }

    @Test
    void initRefusesAFolderInUseAndAnUnknownKind() throws IOException {
        Files.writeString(Files.createDirectories(work.resolve("used")).resolve("notes.txt"), "mine");
        CommandResult used = CommandResult.run("python", "init", work.resolve("used").toString());
        assertThat(used.exitCode()).isEqualTo(1);
        assertThat(used.err()).contains("is not an empty folder");
        assertThat(work.resolve("used/model.py")).doesNotExist();

        CommandResult kind = CommandResult.run("python", "init", work.resolve("other").toString(), "--kind", "onnx");
        assertThat(kind.exitCode()).isEqualTo(1);
        assertThat(kind.err()).contains("--kind is onnx; use dataframe or tensor");
    }

    @Test
    void validateNamesTheColumnsThatDiffer() throws IOException {
        Path home = differing("differs");
        CommandResult validated = python("validate", home.toString());
        assertThat(validated.exitCode()).as(validated.toString()).isEqualTo(1);
        assertThat(validated.out()).contains("DIFFERS").contains("probability: 1 differing rows").contains("max |difference|");
    }

    @Test
    void envPrintsTheInterpreterOfAHomeNotYetTrained() throws Exception {
        Path home = work.resolve("untrained");
        assertThat(CommandResult.run("python", "init", home.toString()).exitCode()).isZero();
        deleteTree(home.resolve("validation"));

        CommandResult env = python("env", home.toString());
        assertThat(env.exitCode()).as(env.toString()).isZero();
        Path interpreter = Path.of(env.outLine());
        Process version = new ProcessBuilder(interpreter.toString(), "-c", "import carrara; print(carrara.__version__)")
                .redirectErrorStream(true).start();
        assertThat(new String(version.getInputStream().readAllBytes()).strip()).isNotEmpty();
        assertThat(version.waitFor()).isZero();
    }

    @Test
    void dockerfileAndBuildImage() {
        Path home = work.resolve("image");
        assertThat(CommandResult.run("python", "init", home.toString()).exitCode()).isZero();

        CommandResult dockerfile = CommandResult.run("python", "dockerfile", home.toString());
        assertThat(dockerfile.exitCode()).as(dockerfile.toString()).isZero();
        assertThat(dockerfile.out()).contains("FROM python:3.11-slim-bookworm").contains("pip install -r")
                .contains("ENTRYPOINT [\"python\", \"-m\", \"carrara.worker\"");

        CommandResult built = CommandResult.run("python", "build-image", home.toString(), "--tag", "carrara-test:1");
        if (built.exitCode() != 0) { // this machine has the docker client and no engine
            assertThat(built.err()).contains("Docker engine");
        }
    }

    @Test
    void uploadValidatesFirstAndRecordsTheOutcome() throws IOException {
        Path good = work.resolve("good");
        assertThat(CommandResult.run("python", "init", good.toString()).exitCode()).isZero();
        assertThat(CommandResult.run("--server", server.uri().toString(), "project", "create", "py").exitCode()).isZero();
        assertThat(CommandResult.run("--server", server.uri().toString(), "model", "create", "py/scorer").exitCode()).isZero();

        CommandResult uploaded = upload(good);
        assertThat(uploaded.exitCode()).as(uploaded.toString()).isZero();
        Instance instance = server.registry().getInstance(UUID.fromString(uploaded.outLine()));
        assertThat(instance.artifact().format().wireName()).isEqualTo("python");
        assertThat(instance.metadata()).containsEntry("python.validation", "passed (4 rows)")
                .containsEntry("python.kind", "dataframe").containsEntry("python.version", "3.11")
                .containsEntry("inputSchema", "x1 double, x2 double").containsKey("python.environment");
        // Its validation rows became its reference profile, of its declared inputs.
        assertThat(uploaded.err()).contains("reference profile: the 4 validation rows (2 inputs)");
        io.carrara.monitoring.drift.Profile profile = io.carrara.monitoring.drift.ProfileJson.read(server.monitor().monitoring()
                .profile(instance.id()).orElseThrow().json().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(profile.rows()).isEqualTo(4);
        assertThat(profile.features()).containsOnlyKeys("x1", "x2");
        assertThat(profile.prediction()).isNull();

        Path differs = differing("refused");
        CommandResult refused = upload(differs);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("probability: 1 differing rows").contains("--skip-validation");
        assertThat(server.registry().listInstances(new ModelRef("py", "scorer"), 10, 0).items()).hasSize(1);

        CommandResult skipped = upload(differs, "--skip-validation", "--no-profile");
        assertThat(skipped.exitCode()).as(skipped.toString()).isZero();
        assertThat(server.monitor().monitoring().profile(UUID.fromString(skipped.outLine()))).isEmpty();
        assertThat(server.registry().getInstance(UUID.fromString(skipped.outLine())).metadata())
                .containsEntry("python.validation", "skipped");
    }

    private CommandResult upload(Path home, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--server", server.uri().toString(), "instance", "upload",
                "py/scorer", home.toString(), "--format", "python"));
        args.addAll(environmentOptions());
        args.addAll(List.of(more));
        return CommandResult.run(args.toArray(String[]::new));
    }

    /** The dataframe template with one expected probability changed. */
    private Path differing(String name) throws IOException {
        Path home = work.resolve(name);
        assertThat(CommandResult.run("python", "init", home.toString()).exitCode()).isZero();
        Path expected = home.resolve("validation/expected.jsonl");
        List<String> lines = Files.readAllLines(expected);
        lines.set(1, lines.get(1).replaceFirst("\"probability\": [0-9.]+", "\"probability\": 0.25"));
        Files.write(expected, lines);
        return home;
    }

    private static CommandResult python(String command, String home) {
        List<String> args = new java.util.ArrayList<>(List.of("python", command, home));
        args.addAll(environmentOptions());
        return CommandResult.run(args.toArray(String[]::new));
    }

    /** The build's shared environments, and pip that fails fast. */
    private static List<String> environmentOptions() {
        String environments = System.getProperty("carrara.test.pythonEnvs");
        return environments == null
                ? List.of("--pip-arg=--retries=0", "--pip-arg=--timeout=5")
                : List.of("--environments", environments, "--pip-arg=--retries=0", "--pip-arg=--timeout=5");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
