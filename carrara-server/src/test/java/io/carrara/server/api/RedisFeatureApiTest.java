package io.carrara.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.serving.features.TestRedis;
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
}
