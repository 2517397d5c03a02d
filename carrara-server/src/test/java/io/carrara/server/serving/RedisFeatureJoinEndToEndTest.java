package io.carrara.server.serving;

import io.carrara.serving.features.TestRedis;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** Features in the machine's Redis, under a prefix of this test's own. */
class RedisFeatureJoinEndToEndTest extends FeatureJoinEndToEndTest {
    private String prefix;

    @Override
    protected Map<String, String> settings() {
        TestRedis.requireReachable();
        prefix = "carrara-test:" + UUID.randomUUID() + ":";
        return Map.of("features.store", "redis", "features.redis.url", TestRedis.URL.toString(), "features.redis.prefix", prefix);
    }

    @AfterEach
    void removeTestKeys() {
        if (prefix != null) {
            TestRedis.clean(prefix);
        }
    }
}
