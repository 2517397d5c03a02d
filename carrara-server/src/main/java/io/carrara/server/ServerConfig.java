package io.carrara.server;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.db.DatabaseConfig;
import io.carrara.server.config.BlobStoreConfig;
import io.carrara.server.config.FeatureStoreConfig;
import io.carrara.server.config.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the server needs to start, resolved from {@link ServerSettings}. The embedded
 * default keeps all state under {@code home}: an H2 database, a blob directory and the
 * feature store.
 */
public record ServerConfig(
        Path home,
        String host,
        int port,
        DatabaseConfig database,
        BlobStoreConfig blobs,
        FeatureStoreConfig features,
        long maxRequestBytes,
        long maxBlobBytes,
        Duration requestTimeout,
        Duration shutdownGrace) {
    public ServerConfig {
        requireNonNull(home, "home is null");
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(blobs, "blobs is null");
        requireNonNull(features, "features is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(shutdownGrace, "shutdownGrace is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Embedded defaults under {@code home}, on {@code port} (0 picks a free one); ignores the environment. */
    public static ServerConfig embedded(Path home, int port) {
        return from(ServerSettings.load(home, Map.of(), Map.of("port", Integer.toString(port))));
    }

    public static ServerConfig from(ServerSettings settings) {
        Path home = settings.home();
        String url = settings.get("database.url");
        DatabaseConfig database = url.isEmpty()
                ? DatabaseConfig.embedded(home)
                : new DatabaseConfig(url, settings.get("database.user"), settings.get("database.password"),
                        settings.getInt("database.maxPoolSize", 1, 1000));
        return new ServerConfig(
                home,
                settings.get("host"),
                settings.getInt("port", 0, 65535),
                database,
                BlobStoreConfig.from(settings),
                FeatureStoreConfig.from(settings),
                settings.getLong("limits.maxRequestBytes", 1024, 1L << 31),
                settings.getLong("limits.maxBlobBytes", 1, Long.MAX_VALUE),
                Duration.ofSeconds(settings.getLong("limits.requestTimeoutSeconds", 1, 86_400)),
                Duration.ofSeconds(settings.getLong("shutdown.graceSeconds", 0, 3_600)));
    }
}
