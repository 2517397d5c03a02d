package io.carrara.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as an operator runs it ({@code ./carrara up}, its own JVM, built jars): it removes what
 * a crashed run left under its home, and with {@code host=127.0.0.1} every socket it listens on (the
 * API, the embedded H2's auto-server port, Spark's driver and block manager once a table is imported)
 * is bound to loopback. Linux only: the sockets are read from {@code /proc}.
 */
class ServerProcessIT {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = REPOSITORY.resolve("carrara");
    // HTTP/1.1: the JDK's default cleartext upgrade to HTTP/2 once misread an answer in CI (see carrara-server's TestHttp).
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path work;

    @Test
    void cleansACrashedRunsLeftoversAndListensOnLoopbackOnly() throws Exception {
        Path home = work.resolve("home");
        String sha = "ab".repeat(32);
        List<Path> leftovers = List.of(
                write(home.resolve("models/." + sha + "123.download")),
                write(home.resolve("models/." + sha + ".extracting-1/stages/0_a/metadata/part-00000")),
                write(home.resolve("spark/scratch/table-123.csv")),
                write(home.resolve("tmp/s3-upload-123.tmp")),
                write(home.resolve("tmp/check-123/artifact/metadata/part-00000")),
                write(home.resolve("spark/local/blockmgr-123/00/shuffle_0_0_0.data")));
        Path published = write(home.resolve("models/" + sha + "/metadata/part-00000"));
        int port = freePort();

        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), "up", "--home", home.toString(), "--port",
                Integer.toString(port)).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile());
        builder.environment().put("CARRARA_SKIP_BUILD", "1");
        Process server = builder.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(base, server);
            for (Path leftover : leftovers.subList(0, 5)) {
                assertThat(leftover).as("removed at start").doesNotExist();
            }
            assertThat(published).as("a verified artifact stays").exists();

            // Spark starts on the first table call; it empties its local directory first.
            Path csv = Files.writeString(work.resolve("t.csv"), "id,city\n1,nyc\n2,sf\n");
            CommandResult imported = cli(base, "table", "import", csv.toString(), "--table", "ml.t", "--schema-infer");
            assertThat(imported.exitCode()).as(imported.toString()).isZero();
            assertThat(leftovers.get(5)).as("Spark's local directory emptied when it started").doesNotExist();

            List<String> listening = listeningAddresses(server.pid());
            assertThat(listening).as("the API, H2 and Spark each listen somewhere").hasSizeGreaterThanOrEqualTo(3);
            assertThat(listening).as("every listening socket is on loopback").allMatch(ServerProcessIT::loopback);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        // Stopped by SIGTERM, the server closes its database itself, last: nothing it does on the way finds it closed.
        assertThat(Files.readString(work.resolve("server.log"))).contains("Stopping Carrara")
                .doesNotContain("Database is already closed").doesNotContain("stopping batch jobs, workflows and Spark failed");
    }

    /** The local addresses ({@code hex-address:hex-port}) of the TCP sockets process {@code pid} listens on. */
    private static List<String> listeningAddresses(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
                if (fields[3].equals("0A") && inodes.contains(fields[9])) {
                    addresses.add(fields[1]);
                }
            }
        }
        return addresses;
    }

    /** 127.0.0.0/8 in IPv4, or ::1 / ::ffff:127.x in IPv6, as /proc/net writes them (32-bit words, little-endian). */
    static boolean loopback(String address) {
        String host = address.substring(0, address.indexOf(':')).toUpperCase(Locale.ROOT);
        if (host.length() == 8) {
            return host.endsWith("7F");
        }
        return host.equals("00000000000000000000000001000000") || host.startsWith("0000000000000000FFFF0000")
                && host.endsWith("7F");
    }

    private static void awaitHealthy(URI base, Process server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("the server is running").isTrue();
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the server did not become healthy");
    }

    private CommandResult cli(URI base, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "--server", base.toString()));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("CARRARA_SKIP_BUILD", "1");
        // The CLI finds the admin token the server wrote under its home, as it does under ~/.carrara by default.
        builder.environment().put("CARRARA_HOME", work.resolve("home").toString());
        builder.environment().remove("CARRARA_TOKEN");
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new CommandResult(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }

    private static Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "left over");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
