package io.carrara.serving.features;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.net.URI;
import java.time.Duration;

/**
 * Where and how to reach Redis: {@code url} is {@code redis://host:port[/database]} (or
 * {@code rediss://} for TLS), {@code password} is empty for none, every hash key starts with
 * {@code prefix}, {@code timeout} bounds connecting, each command and waiting for a pooled
 * connection, and at most {@code maxConnections} are open at once.
 */
public record RedisFeatureStoreConfig(URI url, String password, String prefix, Duration timeout, int maxConnections) {
    public static final String DEFAULT_PREFIX = "carrara:features:";

    public RedisFeatureStoreConfig {
        requireNonNull(url, "url is null");
        requireNonNull(password, "password is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(timeout, "timeout is null");
        if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme()) || url.getHost() == null) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "Redis url '" + url + "' is not like redis://127.0.0.1:6379", "features.redis.url");
        }
        database(url);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new CarraraException(INVALID_ARGUMENT, "the Redis timeout must be positive", "features.redis.timeoutMillis");
        }
        if (maxConnections < 1) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "features.redis.maxConnections must be at least 1", "features.redis.maxConnections");
        }
    }

    /** Defaults for {@code url}: no password, the default prefix, 2 s timeout, 16 connections. */
    public static RedisFeatureStoreConfig of(URI url) {
        return new RedisFeatureStoreConfig(url, "", DEFAULT_PREFIX, Duration.ofSeconds(2), 16);
    }

    public RedisFeatureStoreConfig withPrefix(String newPrefix) {
        return new RedisFeatureStoreConfig(url, password, newPrefix, timeout, maxConnections);
    }

    public int port() {
        return url.getPort() < 0 ? 6379 : url.getPort();
    }

    public int database() {
        return database(url);
    }

    public boolean tls() {
        return "rediss".equals(url.getScheme());
    }

    /** The address for messages and logs, without credentials. */
    public String address() {
        return url.getScheme() + "://" + url.getHost() + ":" + port() + "/" + database();
    }

    private static int database(URI url) {
        String path = url.getPath() == null ? "" : url.getPath().replaceAll("^/+|/+$", "");
        if (path.isEmpty()) {
            return 0;
        }
        try {
            int database = Integer.parseInt(path);
            if (database >= 0) {
                return database;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CarraraException(INVALID_ARGUMENT,
                "Redis url '" + url + "' names database '" + path + "'; use a number like redis://host:6379/0",
                "features.redis.url");
    }
}
