package io.carrara.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.features.EmbeddedFeatureStore;
import io.carrara.spi.error.CarraraException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedFeatureApiTest extends AbstractFeatureApiTest {
    @Override
    protected Map<String, String> storeSettings() {
        return Map.of();
    }

    @Test
    void featuresLiveUnderTheHomeAndSurviveARestart() throws Exception {
        put("/api/v1/features/driver_stats/d1", "{\"trips_7d\": 12}");
        server.close();

        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0"))).withAuth(ServerConfig.Auth.OFF));

        assertThat(home.resolve("features").resolve(EmbeddedFeatureStore.FILE_NAME)).exists();
        assertThat(json(get("/api/v1/features/driver_stats/d1")).get("features").toString())
                .isEqualTo("{\"trips_7d\":12}");
    }

    @Test
    void unknownStoreTypeNamesTheSetting() {
        CarraraException error = catchThrowableOfType(CarraraException.class, () -> ServerConfig.from(
                ServerSettings.load(home, Map.of(), Map.of("features.store", "memcached"))).withAuth(ServerConfig.Auth.OFF));

        assertThat(error.field()).contains("features.store");
        assertThat(error.getMessage()).contains("embedded or redis");
    }
}
