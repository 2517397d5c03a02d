package io.carrara.pipeline.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.format.SavedStage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StageLoaderRegistryTest {
    @Test
    void discoversTheBuiltInLoadersByServiceLoader() {
        assertThat(StageLoaderRegistry.discover().supportedClassNames()).contains(
                "org.apache.spark.ml.classification.LogisticRegressionModel",
                "org.apache.spark.ml.feature.OneHotEncoderModel",
                "org.apache.spark.ml.feature.StandardScalerModel",
                "org.apache.spark.ml.feature.StringIndexerModel",
                "org.apache.spark.ml.feature.VectorAssembler");
    }

    @Test
    void refusesTwoLoadersForOneSparkClass() {
        assertThatThrownBy(() -> new StageLoaderRegistry(List.of(new NamedLoader(), new NamedLoader())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("org.apache.spark.ml.feature.Binarizer is read by both");
    }

    /** A loader we write for the test; it is never asked to load. */
    private static final class NamedLoader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.Binarizer");
        }

        @Override
        public Stage load(SavedStage saved) {
            throw new UnsupportedOperationException();
        }
    }
}
