package io.carrara.serving.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.serving.ServingErrorCode;
import io.carrara.spi.error.CarraraException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedFeatureStoreTest extends AbstractFeatureStoreTest {
    @TempDir
    Path directory;

    @Override
    protected FeatureStore createStore() {
        return EmbeddedFeatureStore.open(directory);
    }

    @Test
    void featuresSurviveARestart() {
        store.put("driver_stats", "d1", Map.of("trips_7d", 12, "rating", 4.0));
        store.put("driver_stats", "d2", Map.of("tier", "gold"));
        store.delete("driver_stats", "d2");
        store.close();

        store = EmbeddedFeatureStore.open(directory);

        assertThat(store.get("driver_stats", "d1", List.of())).isEqualTo(Map.of("trips_7d", 12L, "rating", 4.0));
        assertThat(store.get("driver_stats", "d2", List.of())).isEmpty();
        assertThat(directory.resolve(EmbeddedFeatureStore.FILE_NAME)).exists();
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        CarraraException error = org.assertj.core.api.Assertions.catchThrowableOfType(CarraraException.class,
                () -> EmbeddedFeatureStore.open(directory));

        assertThat(error).isNotNull();
        assertThat(error.errorCode()).isEqualTo(ServingErrorCode.FEATURE_STORE_UNAVAILABLE.toErrorCode());
        assertThat(error.getMessage()).contains(directory.toString()).contains("another Carrara server");
    }
}
