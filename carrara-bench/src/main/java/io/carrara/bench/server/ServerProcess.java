package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Carrara server as a separate JVM, as it runs in production:
 * {@code java <jvm options> -jar carrara-server.jar up --home DIR --port N [--set key=value]...},
 * its output going to a log file. {@link #close} stops it with SIGTERM (the server finishes in-flight
 * requests) and kills it if it has not stopped within 20 seconds; it is safe to call twice, so a
 * shutdown hook can call it too.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final URI uri;
    private final Path log;
    private final List<String> command;

    private ServerProcess(Process process, URI uri, Path log, List<String> command) {
        this.process = process;
        this.uri = uri;
        this.log = log;
        this.command = command;
    }

    /** Starts the server on a free port of 127.0.0.1 and waits until {@code /api/v1/health} answers. */
    static ServerProcess start(Path jar, Path home, Path log, List<String> jvmOptions, Map<String, String> settings,
            Duration startTimeout) {
        requireNonNull(jar, "jar is null");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no server jar at " + jar.toAbsolutePath()
                    + "; build it with: mvn -B -q -pl carrara-bench -am package -DskipTests (or pass --server-jar)");
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "up", "--home", home.toString(),
                "--port", Integer.toString(port)));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the server: " + String.join(" ", command), e);
        }
        ServerProcess server = new ServerProcess(process, URI.create("http://127.0.0.1:" + port), log, List.copyOf(command));
        try {
            server.awaitHealthy(startTimeout);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    URI uri() {
        return uri;
    }

    Path log() {
        return log;
    }

    List<String> command() {
        return command;
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(uri.resolve("/api/v1/health")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with status " + process.exitValue() + " while starting; its log "
                        + log + " ends with:\n" + tail(30));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the server", e);
            }
            sleep(200);
        }
        throw new IllegalStateException("the server did not answer " + health.uri() + " within " + timeout.toSeconds()
                + " s; its log " + log + " ends with:\n" + tail(30));
    }

    /** The last lines of the server's log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
