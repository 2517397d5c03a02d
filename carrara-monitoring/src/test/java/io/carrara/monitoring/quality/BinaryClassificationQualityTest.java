package io.carrara.monitoring.quality;

import static io.carrara.monitoring.ScikitLearn.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.monitoring.ReferenceDatasets;
import io.carrara.monitoring.ReferenceDatasets.ClassificationCase;
import io.carrara.monitoring.ScikitLearn;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BinaryClassificationQualityTest {

    static Stream<String> datasets() {
        return ReferenceDatasets.CLASSIFICATION.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void matchesScikitLearn(String dataset) {
        JsonNode expected = ScikitLearn.expected().get("classification").get(dataset);
        ClassificationCase c = ReferenceDatasets.CLASSIFICATION.get(dataset);
        BinaryClassificationQuality quality = BinaryClassificationQuality.of(c.labels(), c.scores(), c.predicted());

        assertThat(quality.rows()).isEqualTo(c.labels().length);
        Map<String, Double> metrics = quality.metrics();
        for (String name : Set.of("accuracy", "precision", "recall", "f1", "log_loss", "brier", "positive_rate")) {
            assertClose(dataset + " " + name, metrics.get(name), expected.get(name).asDouble());
        }
        if (expected.get("auc").isNull()) {
            assertThat(quality.auc()).isEmpty();
            assertThat(metrics).doesNotContainKey("auc");
        } else {
            assertClose(dataset + " auc", metrics.get("auc"), expected.get("auc").asDouble());
        }
        assertThat(metrics.values()).noneMatch(value -> value.isNaN() || value.isInfinite());
    }

    @Test
    void namesTheMetricsInOrder() {
        BinaryClassificationQuality quality = BinaryClassificationQuality.of(new int[] {0, 1}, new double[] {0.2, 0.7}, null);
        assertThat(quality.metrics()).containsOnlyKeys("accuracy", "precision", "recall", "f1", "auc", "log_loss", "brier",
                "positive_rate");
        assertThat(quality.metrics().keySet()).containsExactly("accuracy", "precision", "recall", "f1", "auc", "log_loss",
                "brier", "positive_rate");
        assertThat(quality.auc()).hasValue(1.0);
    }

    @Test
    void clipsCertainMistakesToTheDoublesEpsilon() {
        BinaryClassificationQuality quality = BinaryClassificationQuality.of(new int[] {1}, new double[] {0.0}, null);
        assertThat(quality.logLoss()).isEqualTo(-Math.log(Math.ulp(1.0)));
    }

    @Test
    void zeroDivisionGivesZeroAsScikitLearnDoes() {
        BinaryClassificationQuality quality = BinaryClassificationQuality.of(new int[] {0, 0}, new double[] {0.1, 0.2}, null);
        assertThat(quality.precision()).isZero();
        assertThat(quality.recall()).isZero();
        assertThat(quality.f1()).isZero();
        assertThat(quality.accuracy()).isEqualTo(1.0);
        assertThat(quality.auc()).isEmpty();
    }

    @Test
    void refusesBadInputNamingIt() {
        assertThatThrownBy(() -> BinaryClassificationQuality.of(new int[0], new double[0], null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rows");
        assertThatThrownBy(() -> BinaryClassificationQuality.of(new int[] {0, 1}, new double[] {0.5}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels has 2 rows but scores has 1");
        assertThatThrownBy(() -> BinaryClassificationQuality.of(new int[] {0, 1}, new double[] {0.5, 0.5}, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predicted has 1");
        assertThatThrownBy(() -> BinaryClassificationQuality.of(new int[] {0, 2}, new double[] {0.5, 0.5}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels[1] is 2");
        assertThatThrownBy(() -> BinaryClassificationQuality.of(new int[] {0, 1}, new double[] {0.5, 0.5}, new int[] {0, -1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predicted[1] is -1");
        assertThatThrownBy(() -> BinaryClassificationQuality.of(new int[] {0, 1}, new double[] {0.5, 1.5}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scores[1] is 1.5");
        assertThatThrownBy(() -> BinaryClassificationQuality.of(new int[] {0, 1}, new double[] {Double.NaN, 0.5}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scores[0] is NaN");
    }
}
