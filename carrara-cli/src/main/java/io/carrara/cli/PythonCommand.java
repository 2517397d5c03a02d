package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.client.CarraraClient;
import io.carrara.python.Dockerfiles;
import io.carrara.python.Environment;
import io.carrara.python.ImageBuilder;
import io.carrara.python.ModelHome;
import io.carrara.python.PythonEnvironments;
import io.carrara.python.PythonSettings;
import io.carrara.python.PythonValidation;
import io.carrara.python.ValidationReport;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code carrara python}: a Python model's home folder on this machine, before it is uploaded:
 * written from a template, validated in its own environment, rendered as a Dockerfile or built as an
 * image. These commands need no server; they build environments where the server does by default
 * ({@code ~/.carrara/python/envs}), so a model validated here starts at once on a local server.
 */
@Command(name = "python", description = "Python models: init, validate, env, dockerfile, build-image (no server needed).",
        subcommands = {PythonCommand.Init.class, PythonCommand.Validate.class, PythonCommand.Env.class,
            PythonCommand.Dockerfile.class, PythonCommand.BuildImage.class})
final class PythonCommand extends GroupCommand {
    /** The files of the templates {@code init} writes, under {@code io/carrara/cli/python/KIND/}. */
    static final Map<String, List<String>> TEMPLATES = Map.of(
            "dataframe", List.of("model.py", "requirements.txt", "carrara.yaml", "artifacts/coefficients.json",
                    "validation/input.jsonl", "validation/expected.jsonl"),
            "tensor", List.of("model.py", "requirements.txt", "carrara.yaml", "artifacts/weights.json",
                    "validation/input.jsonl", "validation/expected.jsonl"));

    /** Where environments are built and with what: the same settings keys as the server's python.* settings. */
    static final class EnvironmentOptions {
        @Option(names = "--environments", paramLabel = "DIR",
                description = "Where environments are built (default: $CARRARA_PYTHON_ENVIRONMENTS, else"
                        + " $CARRARA_HOME/python/envs, else ~/.carrara/python/envs: where a local server builds them).")
        Path environments;

        @Option(names = "--interpreter", paramLabel = "PYTHON", defaultValue = "${env:CARRARA_PYTHON_INTERPRETER:-python3}",
                description = "The Python that builds environments (default: $CARRARA_PYTHON_INTERPRETER, else ${DEFAULT-VALUE}).")
        String interpreter;

        @Option(names = "--pip-arg", paramLabel = "ARG",
                description = "An argument for pip install, e.g. --pip-arg=--no-index --pip-arg=--find-links=/wheels; repeat for several.")
        List<String> pipArguments = new ArrayList<>();

        PythonSettings settings() {
            Path directory = environments;
            if (directory == null) {
                String fromEnvironment = System.getenv("CARRARA_PYTHON_ENVIRONMENTS");
                String home = System.getenv("CARRARA_HOME");
                directory = fromEnvironment != null && !fromEnvironment.isBlank() ? Path.of(fromEnvironment)
                        : (home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".carrara"))
                                .resolve("python").resolve("envs");
            }
            Path base = directory.toAbsolutePath().normalize();
            return PythonSettings.defaults(base.getParent() == null ? base : base.getParent())
                    .withEnvironments(base).withInterpreter(interpreter).withPipArguments(pipArguments);
        }
    }

    /** Builds (or reuses) the home's environment, reporting the build's lines on stderr. */
    static Environment prepare(ModelHome home, PythonSettings settings, PrintWriter err) {
        PythonEnvironments environments = new PythonEnvironments(settings);
        try (EnvironmentProgress progress = EnvironmentProgress.on(err, environments.hash(home))) {
            Environment environment = environments.prepare(home, progress::line);
            progress.done();
            return environment;
        }
    }

    @Command(name = "init", description = "Write a model home folder from a template; it validates as it is.")
    static final class Init extends LocalCommand {
        @Parameters(paramLabel = "DIR", description = "The folder to write; it must not exist or be empty.")
        Path directory;

        @Option(names = "--kind", paramLabel = "KIND", defaultValue = "dataframe",
                description = "dataframe (pandas in, pandas out) or tensor (numpy arrays in and out, as Open Inference"
                        + " Protocol tensors) (default: ${DEFAULT-VALUE}).")
        String kind;

        @Override
        void execute() throws IOException {
            List<String> files = TEMPLATES.get(kind);
            if (files == null) {
                throw new CarraraException(INVALID_ARGUMENT, "--kind is " + kind + "; use dataframe or tensor", "kind");
            }
            if (Files.exists(directory) && (!Files.isDirectory(directory) || hasEntries(directory))) {
                throw new CarraraException(INVALID_ARGUMENT, directory + " exists and is not an empty folder;"
                        + " name a new folder", "DIR");
            }
            for (String file : files) {
                Path target = directory.resolve(file);
                Files.createDirectories(target.getParent());
                try (InputStream in = PythonCommand.class.getResourceAsStream("python/" + kind + "/" + file)) {
                    if (in == null) {
                        throw new IllegalStateException("the " + kind + " template lacks " + file);
                    }
                    Files.copy(in, target);
                }
            }
            out().println(directory);
            err().println("wrote a " + kind + " model to " + directory + "; edit model.py, requirements.txt and carrara.yaml,"
                    + " put your own rows in validation/, then run: carrara python validate " + directory);
        }

        private static boolean hasEntries(Path directory) throws IOException {
            try (var entries = Files.list(directory)) {
                return entries.findAny().isPresent();
            }
        }
    }

    @Command(name = "validate", description = {"Build (or reuse) the model's environment, load the model and check that"
            + " validation/input gives validation/expected.jsonl within the tolerance of carrara.yaml.",
        "Exit status: 0 it matches, 1 it differs or the model cannot load (the differences per column are printed)."})
    static final class Validate extends LocalCommand {
        @Parameters(paramLabel = "DIR", description = "The model home folder.")
        Path directory;

        @ArgGroup(exclusive = false, heading = "Environment:%n")
        EnvironmentOptions environment = new EnvironmentOptions();

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        void execute() throws Exception {
            ModelHome home = ModelHome.read(directory);
            home.warnings().forEach(warning -> err().println("warning: " + warning));
            PythonSettings settings = environment.settings();
            Environment built = prepare(home, settings, err());
            ValidationReport report = new PythonValidation(settings).run(built, home);
            out().println(json ? io.carrara.client.CarraraJson.newObjectMapper().writeValueAsString(report) : report.describe());
            if (!report.ok()) {
                exitCode = FAILED;
            }
        }
    }

    @Command(name = "env", description = {"Build (or reuse) the model's environment and print its Python interpreter,",
        "e.g. to train the model with the very versions it will be served with: $(carrara python env DIR) train.py"})
    static final class Env extends LocalCommand {
        @Parameters(paramLabel = "DIR", description = "The model home folder.")
        Path directory;

        @ArgGroup(exclusive = false, heading = "Environment:%n")
        EnvironmentOptions environment = new EnvironmentOptions();

        @Override
        void execute() {
            ModelHome home = ModelHome.readForEnvironment(directory);
            out().println(prepare(home, environment.settings(), err()).python());
        }
    }

    @Command(name = "dockerfile", description = "Print the Dockerfile of an image that serves the model (see docs/python-models.md).")
    static final class Dockerfile extends LocalCommand {
        @Parameters(paramLabel = "DIR", description = "The model home folder.")
        Path directory;

        @Override
        void execute() {
            out().print(Dockerfiles.render(ModelHome.read(directory), CarraraCli.version()));
        }
    }

    @Command(name = "build-image", description = "Build the model's image with Docker, where a Docker engine answers.")
    static final class BuildImage extends LocalCommand {
        @Parameters(paramLabel = "DIR", description = "The model home folder.")
        Path directory;

        @Option(names = "--tag", paramLabel = "TAG", required = true, description = "The image's tag, e.g. breast-cancer:1.")
        String tag;

        @Override
        void execute() {
            PrintWriter err = err();
            ImageBuilder.build(ModelHome.read(directory), tag, line -> {
                err.println(line);
                err.flush();
            });
            out().println(tag);
        }
    }

    /** A subcommand that works on this machine alone: {@link ClientCommand}'s error handling, no client. */
    abstract static class LocalCommand extends ClientCommand {
        abstract void execute() throws Exception;

        @Override
        final void execute(CarraraClient client) throws Exception {
            execute();
        }
    }
}
