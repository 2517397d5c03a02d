package io.carrara.python;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds a model's image with the local Docker engine from {@link Dockerfiles#render}:
 * <pre>{@code
 * ImageBuilder.build(home, "registry.example.com/models/breast-cancer:3", System.out::println);
 * }</pre>
 * Where no engine answers it says so ({@link PythonErrorCode#DOCKER_UNAVAILABLE}) instead of failing halfway.
 */
public final class ImageBuilder {
    private static final Duration INFO_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(60);

    private ImageBuilder() {}

    /** Writes the build context to a temporary folder and runs {@code docker build -t tag}; the output goes to {@code output}. */
    public static void build(ModelHome home, String tag, Consumer<String> output) {
        requireNonNull(home, "home is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(output, "output is null");
        if (!tag.matches("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}")) {
            throw new CarraraException(PythonErrorCode.IMAGE_BUILD_FAILED, "\"" + tag + "\" is not an image tag;"
                    + " write one like registry.example.com/models/name:1", "tag");
        }
        requireEngine();
        Path context;
        try {
            context = Files.createTempDirectory("carrara-image-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a build context folder", e);
        }
        try {
            writeContext(home, context);
            Deque<String> tail = new ArrayDeque<>();
            ChildProcesses.Result result = ChildProcesses.run(
                    ChildProcesses.builder(List.of("docker", "build", "-t", tag, context.toString()), context), BUILD_TIMEOUT,
                    line -> {
                        output.accept(line);
                        tail.addLast(line);
                        if (tail.size() > 20) {
                            tail.removeFirst();
                        }
                    });
            if (result.exitStatus() != 0) {
                throw new CarraraException(PythonErrorCode.IMAGE_BUILD_FAILED, "docker build of " + tag
                        + (result.timedOut() ? " took longer than " + BUILD_TIMEOUT.toMinutes() + " min" : " failed with exit status "
                        + result.exitStatus()) + "; its last lines:\n" + String.join("\n", new ArrayList<>(tail)));
            }
        } catch (IOException e) {
            throw new CarraraException(PythonErrorCode.IMAGE_BUILD_FAILED, "docker build of " + tag + " could not run: " + e.getMessage(),
                    null, e);
        } finally {
            PythonEnvironments.deleteTree(context);
        }
    }

    /** Writes {@code Dockerfile}, {@code model/} and {@code carrara/} into {@code context}. */
    static void writeContext(ModelHome home, Path context) throws IOException {
        Files.writeString(context.resolve("Dockerfile"), Dockerfiles.render(home, Dockerfiles.carraraVersion()), StandardCharsets.UTF_8);
        copyTree(home.directory(), context.resolve("model"));
        PythonPackage.bundled().copyInto(context);
    }

    private static void requireEngine() {
        List<String> lines = new ArrayList<>();
        ChildProcesses.Result result;
        try {
            result = ChildProcesses.run(ChildProcesses.builder(List.of("docker", "info", "--format", "{{.ServerVersion}}"), null),
                    INFO_TIMEOUT, lines::add);
        } catch (IOException e) {
            throw unavailable("the docker command is not installed here (" + e.getMessage() + ")");
        }
        if (result.exitStatus() != 0) {
            String reason = lines.isEmpty() ? "" : ": " + String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            throw unavailable(result.timedOut() ? "docker info did not answer within " + INFO_TIMEOUT.toSeconds() + " s"
                    : "docker info failed" + reason);
        }
    }

    private static CarraraException unavailable(String why) {
        return new CarraraException(PythonErrorCode.DOCKER_UNAVAILABLE, "no Docker engine answers here (" + why + "), so the image"
                + " cannot be built on this host; render the model's Dockerfile and build it where an engine runs: put the Dockerfile"
                + " beside a copy of the model home named model/ and of the carrara package named carrara/, then run"
                + " docker build -t TAG .");
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else if (Files.isRegularFile(path)) {
                    Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
