package io.carrara.serving.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.serving.ServingErrorCode;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class RedisFeatureStoreTest extends AbstractFeatureStoreTest {
    private RedisFeatureStoreConfig config;

    @Override
    protected FeatureStore createStore() {
        config = TestRedis.freshConfig();
        return RedisFeatureStore.open(config);
    }

    @AfterEach
    void removeTestKeys() {
        if (config != null) {
            TestRedis.clean(config.prefix());
        }
    }

    @Test
    void eachEntityIsOneHashOfJsonValuesUnderThePrefix() {
        store.put("driver_stats", "d:1", Map.of("trips_7d", 12, "rating", 4.0, "tier", "gold"));

        assertThat(TestRedis.keys(config.prefix())).containsExactly(config.prefix() + "driver_stats:d:1");
        try (RedisClient redis = RedisClient.create(TestRedis.URL)) {
            assertThat(redis.hgetAll(config.prefix() + "driver_stats:d:1"))
                    .isEqualTo(Map.of("trips_7d", "12", "rating", "4.0", "tier", "\"gold\""));
        }
    }

    @Test
    void unreachableRedisIsUnavailableNamingItsAddress() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RedisFeatureStoreConfig closed = new RedisFeatureStoreConfig(URI.create("redis://127.0.0.1:" + port),
                "", "p:", Duration.ofMillis(500), 2);

        CarraraException error = catchThrowableOfType(CarraraException.class, () -> RedisFeatureStore.open(closed));

        assertThat(error).isNotNull();
        assertThat(error.errorCode()).isEqualTo(ServingErrorCode.FEATURE_STORE_UNAVAILABLE.toErrorCode());
        assertThat(error.getMessage()).contains("redis://127.0.0.1:" + port).contains("check that Redis is running");
        assertThat(error.field()).contains("features.redis.url");
    }

    @Test
    void aStoreClosedUnderneathReportsTheAddress() {
        FeatureStore other = RedisFeatureStore.open(config);
        other.close();

        CarraraException error = catchThrowableOfType(CarraraException.class,
                () -> other.get("driver_stats", "d1", List.of()));

        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains(config.address());
    }

    @Test
    void badUrlsAreRefusedNamingTheSetting() {
        assertInvalid(() -> RedisFeatureStoreConfig.of(URI.create("http://127.0.0.1:6379")), "features.redis.url");
        assertInvalid(() -> RedisFeatureStoreConfig.of(URI.create("redis://127.0.0.1:6379/zero")), "features.redis.url");
    }
}
