package io.carrara.python;

import io.carrara.spi.error.CarraraException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code python -m carrara.worker} process and its connections. Its stdout and stderr go to the log tagged
 * with the model's label; the last stderr lines are kept for error messages; its stdin is a pipe held open
 * (the worker exits when it closes, so a dead JVM leaves no worker behind).
 */
final class WorkerProcess {
    private static final Logger LOG = LoggerFactory.getLogger("io.carrara.python.worker");
    static final String READY_LINE = "CARRARA-WORKER-READY";
    private static final int STDERR_LINES = 30;
    private static final int EXIT_LOAD_FAILED = 3;
    private static final int EXIT_VALIDATION_DIFFERS = 4;

    private final String tag;
    private final Path socket;
    private final Process process;
    private final OutputStream stdin;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private volatile WorkerConnections connections;

    private WorkerProcess(String tag, Path socket, Process process) {
        this.tag = tag;
        this.socket = socket;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdoutReader = ChildProcesses.daemon("carrara-worker-stdout-" + process.pid(), () -> readStdout(process.getInputStream()));
        this.stderrReader = ChildProcesses.daemon("carrara-worker-stderr-" + process.pid(), () -> readStderr(process.getErrorStream()));
        process.onExit().thenRun(() -> ready.completeExceptionally(new IllegalStateException("exited")));
    }

    /** Starts the worker; {@link #awaitReady} waits for its READY line. */
    static WorkerProcess start(ModelHome home, Environment env, PythonSettings settings, String tag, Path socket, boolean validate) {
        List<String> command = new ArrayList<>(List.of(env.python().toString(), "-m", "carrara.worker",
                "--home", home.directory().toString(), "--socket", socket.toString()));
        if (!validate) {
            command.add("--skip-validation");
        }
        if (settings.memoryLimitMib() > 0) {
            command.add("--memory-limit-mb");
            command.add(Long.toString(settings.memoryLimitMib()));
        }
        ProcessBuilder builder = ChildProcesses.builder(command, home.directory());
        builder.environment().put("PYTHONUNBUFFERED", "1");
        try {
            Process process = builder.start();
            LOG.info("[{}] started worker pid {} on {}", tag, process.pid(), socket);
            return new WorkerProcess(tag, socket, process);
        } catch (IOException e) {
            throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, tag + ": the worker could not be started: "
                    + e.getMessage() + "; rebuild the model's environment", null, e);
        }
    }

    /**
     * Waits for the READY line; a worker that exits first fails with MODEL_LOAD_FAILED (status 3) or
     * VALIDATION_FAILED (status 4) carrying its last stderr lines, one that takes too long is killed.
     */
    void awaitReady(Duration timeout) {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            connections = new WorkerConnections(socket);
            return;
        } catch (TimeoutException e) {
            kill();
            throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, tag + ": the worker did not load and validate the"
                    + " model within " + timeout.toSeconds() + " s (the worker start timeout) and was killed" + stderrSuffix());
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, tag + ": interrupted while the worker started");
        } catch (ExecutionException e) {
            // It exited before READY.
        }
        int status = exitStatus();
        if (status == EXIT_VALIDATION_DIFFERS) {
            throw new CarraraException(PythonErrorCode.VALIDATION_FAILED, tag + ": the model's answers on validation/ differ"
                    + " from validation/expected.jsonl, so it is not served" + stderrSuffix());
        }
        throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, tag + ": the model cannot load"
                + (status == EXIT_LOAD_FAILED ? "" : " (the worker exited with status " + status + ")") + stderrSuffix());
    }

    private int exitStatus() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            stderrReader.join(2_000);
            stdoutReader.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    WorkerConnections connections() {
        return connections;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    String tag() {
        return tag;
    }

    /** The last lines the worker wrote on stderr, oldest first. */
    List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    /** Waits a moment for a dying worker's last stderr lines, then formats them for a message. */
    String stderrSuffix() {
        try {
            if (!process.isAlive()) {
                stderrReader.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> lines = stderrTail();
        return lines.isEmpty() ? "" : "; the worker's last stderr lines:\n" + String.join("\n", lines);
    }

    /** SIGKILL to the worker and its children, for a worker that hangs. */
    void kill() {
        ChildProcesses.killTree(process.toHandle());
        closeChannel();
        try {
            // SIGKILL cannot be refused; waiting lets the caller see it gone and read its last stderr lines.
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes stdin (the worker exits on its own), then SIGTERM, then SIGKILL after {@code grace}; removes the socket. */
    void stop(Duration grace) {
        closeChannel();
        try {
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        try {
            if (!process.waitFor(Math.min(grace.toMillis(), 1_000), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    ChildProcesses.killTree(process.toHandle());
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            ChildProcesses.killTree(process.toHandle());
            Thread.currentThread().interrupt();
        }
        removeSocket();
    }

    void removeSocket() {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("[{}] cannot remove {}: {}", tag, socket, e.toString());
        }
    }

    private void closeChannel() {
        WorkerConnections open = connections;
        if (open != null) {
            open.close();
        }
    }

    private void readStdout(InputStream stream) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!ready.isDone() && line.equals(READY_LINE)) {
                    ready.complete(null);
                    LOG.info("[{}] worker pid {} ready", tag, process.pid());
                } else {
                    LOG.info("[{}] {}", tag, line);
                }
            }
        } catch (IOException e) {
            // The worker died; its exit is handled through onExit.
        }
    }

    private void readStderr(InputStream stream) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_LINES) {
                        stderrTail.removeFirst();
                    }
                }
                LOG.warn("[{}] {}", tag, line);
            }
        } catch (IOException e) {
            // The worker died; its exit is handled through onExit.
        }
    }
}
