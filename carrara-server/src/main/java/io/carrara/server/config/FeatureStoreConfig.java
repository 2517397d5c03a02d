package io.carrara.server.config;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.serving.features.EmbeddedFeatureStore;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.features.RedisFeatureStore;
import io.carrara.serving.features.RedisFeatureStoreConfig;
import io.carrara.spi.error.CarraraException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/** Which online feature store the server uses: embedded (default, under {@code <home>/features}) or Redis. */
public record FeatureStoreConfig(Path directory, RedisFeatureStoreConfig redis) {
    public FeatureStoreConfig {
        if ((directory == null) == (redis == null)) {
            throw new IllegalArgumentException("exactly one of directory and redis must be set");
        }
    }

    public static FeatureStoreConfig from(ServerSettings settings) {
        String type = settings.get("features.store");
        switch (type) {
            case "embedded" -> {
                String path = settings.get("features.path");
                return new FeatureStoreConfig(path.isEmpty() ? settings.home().resolve("features") : Path.of(path), null);
            }
            case "redis" -> {
                String url = settings.get("features.redis.url");
                URI uri;
                try {
                    uri = new URI(url);
                } catch (URISyntaxException e) {
                    throw new CarraraException(INVALID_ARGUMENT,
                            "features.redis.url '" + url + "' is not a URL like redis://127.0.0.1:6379", "features.redis.url");
                }
                return new FeatureStoreConfig(null, new RedisFeatureStoreConfig(
                        uri,
                        settings.get("features.redis.password"),
                        settings.get("features.redis.prefix"),
                        Duration.ofMillis(settings.getLong("features.redis.timeoutMillis", 1, 600_000)),
                        settings.getInt("features.redis.maxConnections", 1, 10_000)));
            }
            default -> throw new CarraraException(INVALID_ARGUMENT,
                    "features.store must be embedded or redis, not '" + type + "'", "features.store");
        }
    }

    /**
     * The store. Redis need not answer yet: the server starts and serves every deployment without
     * features, and reports those with features not ready until Redis answers.
     */
    public FeatureStore open() {
        return directory != null ? EmbeddedFeatureStore.open(directory) : RedisFeatureStore.connect(redis);
    }

    public String describe() {
        return directory != null ? directory.toUri().toString() : redis.address() + " (prefix " + redis.prefix() + ")";
    }
}
