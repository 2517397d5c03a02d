package io.carrara.python;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** How the runtime starts Python, pip, bash and docker: a clean environment, bounded time, the whole tree killed. */
final class ChildProcesses {
    /** What a child inherits from the server: never its secrets (database passwords, S3 keys, tokens). */
    private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR");

    private ChildProcesses() {}

    /** PATH, HOME, LANG, LC_ALL, TMPDIR and every PIP_* variable of this process, nothing else. */
    static void cleanEnvironment(Map<String, String> environment) {
        Map<String, String> parent = System.getenv();
        environment.clear();
        for (String name : INHERITED) {
            String value = parent.get(name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        parent.forEach((name, value) -> {
            if (name.startsWith("PIP_")) {
                environment.put(name, value);
            }
        });
        environment.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    }

    static ProcessBuilder builder(List<String> command, Path directory) {
        ProcessBuilder builder = new ProcessBuilder(command);
        cleanEnvironment(builder.environment());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        return builder;
    }

    /** The exit status, or -1 when the time ran out and the process tree was killed. */
    record Result(int exitStatus, boolean timedOut) {}

    /**
     * Runs to completion with stdout and stderr merged into {@code output}, line by line; past
     * {@code timeout} the process and all its descendants are killed.
     */
    static Result run(ProcessBuilder builder, Duration timeout, Consumer<String> output) throws IOException {
        builder.redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = builder.start();
        Thread reader = daemon("carrara-python-output-" + process.pid(), () -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.accept(line);
                }
            } catch (IOException e) {
                // The process was killed while we read: its remaining output is lost with it.
            }
        });
        try {
            if (!process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                killTree(process.toHandle());
                process.waitFor(10, TimeUnit.SECONDS);
                reader.join(2_000);
                return new Result(-1, true);
            }
            reader.join(5_000);
            return new Result(process.exitValue(), false);
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + builder.command().get(0), e);
        }
    }

    static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** SIGKILL to the process and every descendant, children first seen before the parent dies. */
    static void killTree(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
