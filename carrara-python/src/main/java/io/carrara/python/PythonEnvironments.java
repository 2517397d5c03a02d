package io.carrara.python;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.io.FileTrees;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and reuses one virtual environment per content hash under {@link PythonSettings#environments()}
 * (docs/python-models.md, Environments). One per process; thread-safe; safe alongside other processes
 * (the CLI, Spark executors) sharing the folder, through a file lock per hash.
 * <pre>{@code
 * PythonEnvironments environments = new PythonEnvironments(settings);
 * Environment env = environments.prepare(ModelHome.read(dir), line -> log.info(line));
 * }</pre>
 */
public final class PythonEnvironments {
    private static final Logger LOG = LoggerFactory.getLogger(PythonEnvironments.class);
    private static final int FAILURE_LINES = 20;
    private static final String BUILDING = ".building-";

    /** Builds in progress in this JVM, by environment folder: a file lock cannot be taken twice by one JVM. */
    private static final Map<Path, CompletableFuture<Environment>> IN_FLIGHT = new ConcurrentHashMap<>();

    private final PythonSettings settings;
    private final Path environments;
    private final PythonPackage carraraPackage;
    private volatile Interpreter interpreter;

    /** The interpreter that builds environments: its version and the real executable behind a shim. */
    record Interpreter(String version, String executable) {}

    public PythonEnvironments(PythonSettings settings) {
        this(settings, PythonPackage.bundled());
    }

    PythonEnvironments(PythonSettings settings, PythonPackage carraraPackage) {
        this.settings = requireNonNull(settings, "settings is null");
        this.carraraPackage = requireNonNull(carraraPackage, "carraraPackage is null");
        this.environments = settings.environments().toAbsolutePath().normalize();
        try {
            Files.createDirectories(environments);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the environments folder " + environments, e);
        }
        removeLeftovers();
    }

    public PythonSettings settings() {
        return settings;
    }

    /**
     * The environment the model runs in, built first when no {@code ENVS/HASH} exists. Concurrent calls for
     * one hash wait on one build. {@code progress} receives the build's output lines.
     */
    public Environment prepare(ModelHome home, Consumer<String> progress) {
        requireNonNull(home, "home is null");
        requireNonNull(progress, "progress is null");
        Interpreter python = interpreter();
        requireMatchingInterpreter(home, python);
        String hash = hash(home);
        Path directory = environments.resolve(hash);
        if (Files.isDirectory(directory)) {
            return new Environment(hash, directory, python.version());
        }
        SystemPackages.requireInstalled(home.systemPackages());
        CompletableFuture<Environment> mine = new CompletableFuture<>();
        CompletableFuture<Environment> running = IN_FLIGHT.putIfAbsent(directory, mine);
        if (running != null) {
            progress.accept("waiting for the build of environment " + hash + " already in progress");
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        try {
            Environment built = buildLocked(home, hash, python, progress);
            mine.complete(built);
            return built;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            IN_FLIGHT.remove(directory, mine);
        }
    }

    /**
     * SHA-256 (hex) over the interpreter's major.minor.micro, the requirements of requirements.txt, the
     * bytes of setup.sh and packages.txt (absent = empty) and the carrara package's content hash: each
     * part as its name, a NUL, its length, a NUL and its bytes. The requirements are taken as pip takes
     * them, one a line without comments, blank lines and surrounding spaces, in sorted order, so that
     * two models whose files differ only in comments or order share one environment.
     */
    public String hash(ModelHome home) {
        MessageDigest digest = PythonPackage.sha256();
        part(digest, "python", interpreter().version().getBytes(StandardCharsets.UTF_8));
        part(digest, ModelHome.REQUIREMENTS, requirementLines(home.bytesOf(ModelHome.REQUIREMENTS)));
        part(digest, ModelHome.SETUP, home.bytesOf(ModelHome.SETUP));
        part(digest, ModelHome.PACKAGES, home.bytesOf(ModelHome.PACKAGES));
        part(digest, "carrara", carraraPackage.contentHash().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** requirements.txt as the sorted lines pip reads: comments (# to the end of a line), blanks and spaces gone. */
    static byte[] requirementLines(byte[] requirements) {
        List<String> lines = new ArrayList<>();
        for (String line : new String(requirements, StandardCharsets.UTF_8).split("\\R")) {
            int comment = line.indexOf('#');
            String requirement = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (!requirement.isEmpty()) {
                lines.add(requirement);
            }
        }
        java.util.Collections.sort(lines);
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    /** The build interpreter's major.minor.micro, asked once. */
    public String interpreterVersion() {
        return interpreter().version();
    }

    private static void part(MessageDigest digest, String name, byte[] bytes) {
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) 0);
        digest.update(bytes);
    }

    private void requireMatchingInterpreter(ModelHome home, Interpreter python) {
        if (!python.version().startsWith(home.python() + ".")) {
            throw new CarraraException(PythonErrorCode.INTERPRETER_MISMATCH,
                    "the model needs Python " + home.python() + " (carrara.yaml: python) but this host's interpreter "
                            + settings.interpreter() + " is Python " + python.version() + "; install Python " + home.python()
                            + " and point the python interpreter setting at it, or change carrara.yaml's python if the model"
                            + " runs on " + python.version().substring(0, python.version().lastIndexOf('.')),
                    "python");
        }
    }

    Interpreter interpreter() {
        Interpreter known = interpreter;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (interpreter == null) {
                interpreter = askInterpreter();
            }
            return interpreter;
        }
    }

    private Interpreter askInterpreter() {
        List<String> output = new ArrayList<>();
        ChildProcesses.Result result;
        try {
            result = ChildProcesses.run(ChildProcesses.builder(List.of(settings.interpreter(), "-c",
                    "import sys; print('%d.%d.%d' % sys.version_info[:3]); print(sys.executable)"), null),
                    Duration.ofSeconds(60), output::add);
        } catch (IOException e) {
            throw new CarraraException(PythonErrorCode.ENVIRONMENT_FAILED, "the Python interpreter \"" + settings.interpreter()
                    + "\" cannot be started (" + e.getMessage() + "); install Python 3 or set the python interpreter setting"
                    + " to its path", "interpreter", e);
        }
        if (result.exitStatus() != 0 || output.size() < 2 || !output.get(0).matches("3\\.\\d+\\.\\d+")) {
            throw new CarraraException(PythonErrorCode.ENVIRONMENT_FAILED, "the Python interpreter \"" + settings.interpreter()
                    + "\" did not answer its version (exit " + result.exitStatus() + "): " + String.join("\n", output)
                    + "; set the python interpreter setting to a working Python 3", "interpreter");
        }
        String executable = output.get(1).isBlank() ? settings.interpreter() : output.get(1).strip();
        return new Interpreter(output.get(0), executable);
    }

    private Environment buildLocked(ModelHome home, String hash, Interpreter python, Consumer<String> progress) {
        Path directory = environments.resolve(hash);
        try (FileChannel channel = FileChannel.open(environments.resolve(hash + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            try (FileLock lock = channel.lock()) {
                if (Files.isDirectory(directory)) {
                    // Another process built it while we waited for the lock.
                    return new Environment(hash, directory, python.version());
                }
                return build(home, hash, python, progress);
            }
        } catch (IOException e) {
            throw new CarraraException(PythonErrorCode.ENVIRONMENT_FAILED,
                    "cannot lock environment " + hash + " in the environments folder: " + e.getMessage(), null, e);
        }
    }

    private Environment build(ModelHome home, String hash, Interpreter python, Consumer<String> progress) throws IOException {
        Path log = environments.resolve(hash + ".log");
        Path failedLog = environments.resolve(hash + ".failed.log");
        Path building = environments.resolve(BUILDING + hash + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        Instant deadline = Instant.now().plus(settings.buildTimeout());
        Deque<String> tail = new ArrayDeque<>();
        Instant started = Instant.now();
        LOG.info("building Python environment {} for {}", hash, home.directory());
        try (BufferedWriter writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            Consumer<String> output = line -> {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > FAILURE_LINES) {
                        tail.removeFirst();
                    }
                    try {
                        writer.write(line);
                        writer.newLine();
                        writer.flush();
                    } catch (IOException e) {
                        // The log is a convenience; the build goes on without it.
                    }
                }
                progress.accept(line);
            };
            try {
                step("create the virtual environment", output, deadline, hash,
                        ChildProcesses.builder(List.of(python.executable(), "-m", "venv", building.toString()), environments), tail);

                List<String> pip = new ArrayList<>(List.of(building.resolve("bin/python").toString(), "-m", "pip", "install",
                        "--disable-pip-version-check"));
                pip.addAll(settings.pipArguments());
                pip.add("-r");
                pip.add(home.directory().resolve(ModelHome.REQUIREMENTS).toString());
                pip.addAll(carraraPackage.requirements());
                ProcessBuilder install = ChildProcesses.builder(pip, home.directory());
                install.environment().putIfAbsent("PIP_RETRIES", "0");
                install.environment().putIfAbsent("PIP_TIMEOUT", "15");
                if (!ModelHome.requirementLines(new String(home.bytesOf(ModelHome.REQUIREMENTS), StandardCharsets.UTF_8)).isEmpty()
                        || !carraraPackage.requirements().isEmpty()) {
                    step("install requirements.txt with pip", output, deadline, hash, install, tail);
                }

                output.accept("copying the carrara package (" + carraraPackage.contentHash().substring(0, 12) + ") into site-packages");
                carraraPackage.copyInto(Environment.sitePackages(building, python.version()));

                if (Files.isRegularFile(home.directory().resolve(ModelHome.SETUP))) {
                    ProcessBuilder setup = ChildProcesses.builder(
                            List.of("bash", home.directory().resolve(ModelHome.SETUP).toString()), building);
                    Map<String, String> environment = setup.environment();
                    environment.put("CARRARA_ENV", building.toString());
                    environment.put("CARRARA_MODEL_HOME", home.directory().toString());
                    environment.put("VIRTUAL_ENV", building.toString());
                    environment.put("PATH", building.resolve("bin") + ":" + environment.get("PATH"));
                    step("run setup.sh", output, deadline, hash, setup, tail);
                }
                Files.move(building, environments.resolve(hash), StandardCopyOption.ATOMIC_MOVE);
                output.accept("environment " + hash + " built in " + Duration.between(started, Instant.now()).toSeconds() + " s");
            } catch (IOException | RuntimeException e) {
                deleteTree(building);
                writer.flush();
                writer.close();
                Files.move(log, failedLog, StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("Python environment {} failed; its log is {}", hash, failedLog);
                if (e instanceof CarraraException carrara) {
                    throw carrara;
                }
                List<String> lines;
                synchronized (tail) {
                    lines = List.copyOf(tail);
                }
                throw new CarraraException(PythonErrorCode.ENVIRONMENT_FAILED, "environment " + hash + " failed: " + e
                        + lastLines(lines) + "\nThe whole log is " + failedLog.getFileName() + " in the environments folder.", null, e);
            }
        }
        Files.deleteIfExists(failedLog);
        return new Environment(hash, environments.resolve(hash), python.version());
    }

    private void step(String what, Consumer<String> output, Instant deadline, String hash, ProcessBuilder builder,
            Deque<String> tail) throws IOException {
        output.accept("== " + what);
        Duration left = Duration.between(Instant.now(), deadline);
        ChildProcesses.Result result = left.isNegative() ? new ChildProcesses.Result(-1, true)
                : ChildProcesses.run(builder, left, output);
        if (result.timedOut() || result.exitStatus() != 0) {
            List<String> lines;
            synchronized (tail) {
                lines = List.copyOf(tail);
            }
            String why = result.timedOut()
                    ? "did not finish within the build timeout (" + describe(settings.buildTimeout()) + ") and was killed"
                    : "failed with exit status " + result.exitStatus();
            throw new CarraraException(PythonErrorCode.ENVIRONMENT_FAILED, "environment " + hash + ": " + what + " " + why
                    + lastLines(lines) + "\nThe whole log is " + hash + ".failed.log in the environments folder.");
        }
    }

    private static String describe(Duration duration) {
        return duration.toSeconds() < 120 ? duration.toSeconds() + " s" : duration.toMinutes() + " min";
    }

    private static String lastLines(List<String> lines) {
        return lines.isEmpty() ? "" : "; its last lines:\n" + String.join("\n", lines);
    }

    /** Removes the folders of builds that died with their process; a build still holding its hash's lock is left alone. */
    private void removeLeftovers() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(environments, BUILDING + "*")) {
            for (Path leftover : entries) {
                String name = leftover.getFileName().toString();
                int end = name.lastIndexOf('-');
                if (end <= BUILDING.length()) {
                    continue;
                }
                String hash = name.substring(BUILDING.length(), end);
                if (IN_FLIGHT.containsKey(environments.resolve(hash))) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(environments.resolve(hash + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.tryLock();
                    if (lock != null) {
                        try {
                            LOG.info("removing the unfinished environment build {}", name);
                            deleteTree(leftover);
                        } finally {
                            lock.release();
                        }
                    }
                } catch (OverlappingFileLockException e) {
                    // This JVM is building it right now.
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean unfinished builds in {}: {}", environments, e.toString());
        }
    }

    static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", root, e.toString());
        }
    }
}
