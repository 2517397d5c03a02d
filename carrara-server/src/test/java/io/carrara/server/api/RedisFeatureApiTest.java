package io.carrara.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.features.TestRedis;
import io.carrara.spi.error.CarraraException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisFeatureApiTest extends AbstractFeatureApiTest {
    private String prefix;

    @Override
    protected Map<String, String> storeSettings() {
        TestRedis.requireReachable();
        prefix = "carrara-test:" + UUID.randomUUID() + ":";
        return Map.of("features.store", "redis", "features.redis.url", TestRedis.URL.toString(),
                "features.redis.prefix", prefix);
    }

    @AfterEach
    void removeTestKeys() {
        if (prefix != null) {
            TestRedis.clean(prefix);
        }
    }

    @Test
    void writesLandInRedisUnderThePrefix() throws Exception {
        put("/api/v1/features/driver_stats/d1", "{\"trips_7d\": 12}");

        assertThat(TestRedis.keys(prefix)).containsExactly(prefix + "driver_stats:d1");
    }

    @Test
    void aServerWhoseRedisIsDownDoesNotStart() {
        CarraraException error = catchThrowableOfType(CarraraException.class, () -> CarraraServer.start(
                ServerConfig.from(ServerSettings.load(home.resolve("other"), Map.of(), Map.of("port", "0",
                        "features.store", "redis", "features.redis.url", "redis://127.0.0.1:1",
                        "features.redis.timeoutMillis", "500")))));

        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("redis://127.0.0.1:1");
        assertThat(error.errorCode().name()).isEqualTo("FEATURE_STORE_UNAVAILABLE");
    }
}
