package io.carrara.registry.blob;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests. Uses {@code CARRARA_TEST_S3_ENDPOINT} when set (for
 * example a MinIO or LocalStack that CI runs; credentials from {@code CARRARA_TEST_S3_ACCESS_KEY_ID}
 * and {@code CARRARA_TEST_S3_SECRET_ACCESS_KEY}, default "test"), otherwise starts
 * {@code moto_server} on a free local port, once per test JVM, and stops it when the tests end.
 * Without either, the test class is skipped, or fails if {@code CARRARA_REQUIRE_SERVICES=true}
 * so that CI can't go green by skipping.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final S3TestServer S3 = new S3TestServer();
 * ... new S3BlobStore(S3.config("bucket", "prefix", true)) ...
 * }</pre>
 */
public final class S3TestServer implements BeforeAllCallback, BeforeEachCallback {
    public static final String ENDPOINT_VARIABLE = "CARRARA_TEST_S3_ENDPOINT";
    public static final String REQUIRE_SERVICES_VARIABLE = "CARRARA_REQUIRE_SERVICES";
    public static final String REGION = "us-east-1";

    // moto imports a lot of Python on start; a loaded two-core machine needs several seconds.
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3TestServer.class);

    private Server server;

    @Override
    public void beforeAll(ExtensionContext context) {
        // Stored in the root context so every test class shares one server, closed after the last.
        server = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, key -> Server.start(),
                Server.class);
        if (server.problem != null && Boolean.parseBoolean(System.getenv(REQUIRE_SERVICES_VARIABLE))) {
            Assertions.fail("no S3-compatible server for the tests: " + server.problem + " (failing because "
                    + REQUIRE_SERVICES_VARIABLE + "=true)");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Skipped test by test rather than in beforeAll: Surefire reports a skipped class as zero
        // tests run, which hides the skip.
        if (server.problem != null) {
            Assumptions.abort("no S3-compatible server for the tests: " + server.problem + " (set "
                    + REQUIRE_SERVICES_VARIABLE + "=true to fail instead of skipping)");
        }
    }

    public URI endpoint() {
        return running().endpoint;
    }

    public String accessKeyId() {
        return environment("CARRARA_TEST_S3_ACCESS_KEY_ID", "test");
    }

    public String secretAccessKey() {
        return environment("CARRARA_TEST_S3_SECRET_ACCESS_KEY", "test");
    }

    /** A path-style configuration for this server. */
    public S3BlobStoreConfig config(String bucket, String prefix, boolean createBucketIfMissing) {
        return new S3BlobStoreConfig(bucket, prefix, endpoint(), REGION, true, accessKeyId(), secretAccessKey(),
                createBucketIfMissing);
    }

    /** A plain client, for tests that look at or tamper with objects behind the store's back. */
    @SuppressWarnings("deprecation") // ApacheHttpClient, as in S3BlobStore
    public S3Client newClient() {
        return S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId(), secretAccessKey())))
                .build();
    }

    private Server running() {
        if (server == null || server.problem != null) {
            throw new IllegalStateException("S3TestServer is not running; register it with @RegisterExtension"
                    + " on a static field");
        }
        return server;
    }

    private static String environment(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The endpoint in use, or why there is none; owns the moto process if it started one. */
    private static final class Server implements AutoCloseable {
        final URI endpoint;
        final String problem;
        private final Process process;
        private final Thread shutdownHook;

        private Server(URI endpoint, String problem, Process process) {
            this.endpoint = endpoint;
            this.problem = problem;
            this.process = process;
            // Surefire may exit without closing the store (a crash, a timeout); don't leave moto behind.
            this.shutdownHook = process == null ? null : new Thread(this::stop, "stop-moto-server");
            if (shutdownHook != null) {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
        }

        static Server start() {
            String external = System.getenv(ENDPOINT_VARIABLE);
            if (external != null && !external.isBlank()) {
                URI endpoint = URI.create(external.trim());
                return answersWithin(endpoint, STARTUP_TIMEOUT, null)
                        ? new Server(endpoint, null, null)
                        : new Server(null, ENDPOINT_VARIABLE + "=" + external + " does not answer HTTP requests;"
                                + " check that the service is running", null);
            }
            return startMoto();
        }

        private static Server startMoto() {
            Path log;
            Process process;
            URI endpoint;
            try {
                int port = freePort();
                endpoint = URI.create("http://127.0.0.1:" + port);
                Path target = Path.of("target");
                log = Files.isDirectory(target)
                        ? target.resolve("moto-server-" + port + ".log")
                        : Files.createTempFile("moto-server-", ".log");
                process = new ProcessBuilder(List.of("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port)))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                return new Server(null, "moto_server could not be started (" + e.getMessage() + "); install it with"
                        + " pip install 'moto[server]', or set " + ENDPOINT_VARIABLE + " to a running S3-compatible"
                        + " server", null);
            }
            if (answersWithin(endpoint, STARTUP_TIMEOUT, process)) {
                return new Server(endpoint, null, process);
            }
            String exit = process.isAlive() ? "did not answer within " + STARTUP_TIMEOUT.toSeconds() + " s"
                    : "exited with status " + process.exitValue();
            destroy(process);
            return new Server(null, "moto_server " + exit + "; its output, in " + log + ", ends with:\n"
                    + tail(log), null);
        }

        @Override
        public void close() {
            stop();
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // Already shutting down; the hook is running or has run.
                }
            }
        }

        private void stop() {
            if (process != null) {
                destroy(process);
            }
        }

        private static void destroy(Process process) {
            // The moto_server command may be a wrapper (pyenv shim) around the Python process.
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroy();
            descendants.forEach(ProcessHandle::destroy);
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    descendants.forEach(ProcessHandle::destroyForcibly);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static boolean answersWithin(URI endpoint, Duration timeout, Process process) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (process != null && !process.isAlive()) {
                    return false;
                }
                if (answers(endpoint)) {
                    return true;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }

        private static boolean answers(URI endpoint) {
            try {
                HttpURLConnection connection = (HttpURLConnection) endpoint.toURL().openConnection();
                connection.setConnectTimeout(1_000);
                connection.setReadTimeout(2_000);
                try {
                    connection.getResponseCode(); // any status: the server is up
                    return true;
                } finally {
                    connection.disconnect();
                }
            } catch (IOException e) {
                return false;
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log, UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }
    }
}
