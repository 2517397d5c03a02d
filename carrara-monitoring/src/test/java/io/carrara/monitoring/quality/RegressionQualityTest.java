package io.carrara.monitoring.quality;

import static io.carrara.monitoring.ScikitLearn.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.monitoring.ReferenceDatasets;
import io.carrara.monitoring.ReferenceDatasets.RegressionCase;
import io.carrara.monitoring.ScikitLearn;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RegressionQualityTest {

    static Stream<String> datasets() {
        return ReferenceDatasets.REGRESSION.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void matchesScikitLearn(String dataset) {
        JsonNode expected = ScikitLearn.expected().get("regression").get(dataset);
        RegressionCase c = ReferenceDatasets.REGRESSION.get(dataset);
        RegressionQuality quality = RegressionQuality.of(c.actual(), c.predicted());

        assertThat(quality.rows()).isEqualTo(c.actual().length);
        Map<String, Double> metrics = quality.metrics();
        for (String name : List.of("rmse", "mae", "mape", "r2", "rmsle")) {
            if (expected.get(name).isNull()) {
                assertThat(metrics).as(dataset + " " + name).doesNotContainKey(name);
            } else {
                assertClose(dataset + " " + name, metrics.get(name), expected.get(name).asDouble());
            }
        }
        assertThat(metrics.values()).noneMatch(value -> value.isNaN() || value.isInfinite());
    }

    @Test
    void constantTargetsFollowForceFinite() {
        assertThat(RegressionQuality.of(new double[] {5, 5}, new double[] {5, 5}).r2()).hasValue(1.0);
        assertThat(RegressionQuality.of(new double[] {5, 5}, new double[] {4, 5}).r2()).hasValue(0.0);
        // Ten times 0.1: NumPy's mean may round away from 0.1; the target is constant all the same.
        double[] tenths = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
        assertThat(RegressionQuality.of(tenths, new double[] {0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}).r2())
                .hasValue(0.0);
    }

    @Test
    void leavesOutWhatScikitLearnCannotCompute() {
        RegressionQuality single = RegressionQuality.of(new double[] {1}, new double[] {2});
        assertThat(single.metrics()).containsOnlyKeys("rmse", "mae", "mape", "rmsle");
        RegressionQuality negative = RegressionQuality.of(new double[] {-1, 2}, new double[] {0, 2});
        assertThat(negative.metrics().keySet()).containsExactly("rmse", "mae", "mape", "r2");
    }

    @Test
    void refusesBadInputNamingIt() {
        assertThatThrownBy(() -> RegressionQuality.of(new double[0], new double[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rows");
        assertThatThrownBy(() -> RegressionQuality.of(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actual has 2 rows but predicted has 1");
        assertThatThrownBy(() -> RegressionQuality.of(new double[] {1, Double.NaN}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actual[1] is NaN");
        assertThatThrownBy(() -> RegressionQuality.of(new double[] {1, 2}, new double[] {Double.POSITIVE_INFINITY, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predicted[0] is Infinity");
    }
}
