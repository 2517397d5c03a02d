package io.carrara.serving.features;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The machine's Redis for tests ({@code CARRARA_TEST_REDIS_URL}, default
 * {@code redis://127.0.0.1:6379}). Each test gets a prefix of its own and {@link #clean} removes
 * what it wrote. When Redis is unreachable the test is skipped, unless
 * {@code CARRARA_REQUIRE_SERVICES=true} (as in CI), where it fails.
 */
public final class TestRedis {
    public static final URI URL = URI.create(env("CARRARA_TEST_REDIS_URL", "redis://127.0.0.1:6379"));

    private TestRedis() {}

    /** The config of a fresh prefix on the test Redis; skips or fails the test if Redis is down. */
    public static RedisFeatureStoreConfig freshConfig() {
        requireReachable();
        return RedisFeatureStoreConfig.of(URL).withPrefix("carrara-test:" + UUID.randomUUID() + ":");
    }

    public static void requireReachable() {
        int port = URL.getPort() < 0 ? 6379 : URL.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(URL.getHost(), port), 1000);
        } catch (IOException e) {
            String message = "Redis is not reachable at " + URL + ": " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CARRARA_REQUIRE_SERVICES"))) {
                fail(message + " (CARRARA_REQUIRE_SERVICES=true, so this fails instead of skipping)");
            }
            Assumptions.abort(message);
        }
    }

    /** Deletes every key under {@code prefix}. */
    public static void clean(String prefix) {
        try (RedisClient redis = RedisClient.create(URL)) {
            ScanParams match = new ScanParams().match(prefix + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    redis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    /** Keys under {@code prefix}, for tests that check the layout. */
    public static java.util.Set<String> keys(String prefix) {
        try (RedisClient redis = RedisClient.create(URL)) {
            return redis.keys(prefix + "*");
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
