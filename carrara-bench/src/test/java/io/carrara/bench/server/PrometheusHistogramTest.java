package io.carrara.bench.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusHistogramTest {
    private static final String METRIC = "carrara_predictions_latency_seconds";
    private static final Map<String, String> TRIPS = Map.of("deployment", "trips");

    /** What the server's Micrometer registry writes, for two deployments, with Micrometer's lowest buckets. */
    private static String scrape(long trips1ms, long trips2ms, long tripsInf, double tripsSum, long other) {
        long t1 = trips1ms;
        long t2 = t1 + trips2ms;
        long t3 = t2 + tripsInf;
        return """
                # HELP carrara_predictions_latency_seconds server-side time of a prediction request
                # TYPE carrara_predictions_latency_seconds histogram
                carrara_predictions_latency_seconds_bucket{deployment="other",le="0.001"} %d
                carrara_predictions_latency_seconds_bucket{deployment="other",le="0.002"} %d
                carrara_predictions_latency_seconds_bucket{deployment="other",le="+Inf"} %d
                carrara_predictions_latency_seconds_count{deployment="other"} %d
                carrara_predictions_latency_seconds_sum{deployment="other"} 1.5
                carrara_predictions_latency_seconds_bucket{deployment="trips",le="0.001"} %d
                carrara_predictions_latency_seconds_bucket{deployment="trips",le="0.002"} %d
                carrara_predictions_latency_seconds_bucket{deployment="trips",le="+Inf"} %d
                carrara_predictions_latency_seconds_count{deployment="trips"} %d
                carrara_predictions_latency_seconds_sum{deployment="trips"} %s
                carrara_predictions_latency_seconds_max{deployment="trips"} 0.0029
                # TYPE carrara_predictions_errors_total counter
                carrara_predictions_errors_total{deployment="trips",kind="request"} 2.0
                carrara_predictions_errors_total{deployment="trips",kind="row"} 5.0
                """.formatted(other, other, other, other, t1, t2, t3, t3, Double.toString(tripsSum));
    }

    @Test
    void readsOneSeriesByItsLabels() {
        PrometheusHistogram trips = PrometheusHistogram.parse(scrape(90, 10, 0, 0.05, 7), METRIC, TRIPS);

        assertThat(trips.count()).isEqualTo(100);
        assertThat(trips.mean()).hasValueCloseTo(0.0005, within(1e-12));
        assertThat(PrometheusHistogram.parse(scrape(90, 10, 0, 0.05, 7), METRIC, Map.of("deployment", "other")).count())
                .isEqualTo(7);
        assertThat(PrometheusHistogram.parse(scrape(1, 0, 0, 0.0, 0), METRIC, Map.of("deployment", "none")).count()).isZero();
        assertThat(PrometheusHistogram.parse(scrape(1, 0, 0, 0.0, 0), METRIC, Map.of("deployment", "none")).quantile(0.5))
                .isEmpty();
    }

    @Test
    void theDeltaOfTwoScrapesIsTheWindowAndItsQuantilesInterpolateInsideABucket() {
        PrometheusHistogram before = PrometheusHistogram.parse(scrape(1_000, 0, 0, 0.4, 0), METRIC, TRIPS);
        PrometheusHistogram after = PrometheusHistogram.parse(scrape(1_050, 50, 0, 0.5, 0), METRIC, TRIPS);

        PrometheusHistogram window = after.minus(before);

        assertThat(window.count()).isEqualTo(100);
        assertThat(window.mean()).hasValueCloseTo(0.001, within(1e-12));
        // Rank 50 of 100 is the last observation of the lowest bucket (50 in [0, 1 ms]).
        PrometheusHistogram.Quantile median = window.quantile(0.5).orElseThrow();
        assertThat(median.value()).isCloseTo(0.001, within(1e-12));
        assertThat(median.inLowestBucket()).isTrue();
        // Rank 99 is the 49th of 50 observations in (1 ms, 2 ms].
        PrometheusHistogram.Quantile p99 = window.quantile(0.99).orElseThrow();
        assertThat(p99.value()).isCloseTo(0.001 + 0.001 * 49 / 50, within(1e-12));
        assertThat(p99.bucketLower()).isEqualTo(0.001);
        assertThat(p99.bucketUpper()).isEqualTo(0.002);
        assertThat(p99.inLowestBucket()).isFalse();
    }

    @Test
    void aQuantileInTheOverflowBucketIsTheHighestFiniteBound() {
        PrometheusHistogram window = PrometheusHistogram.parse(scrape(10, 0, 90, 1.0, 0), METRIC, TRIPS);

        PrometheusHistogram.Quantile p99 = window.quantile(0.99).orElseThrow();

        assertThat(p99.value()).isEqualTo(0.002);
        assertThat(p99.bucketUpper()).isInfinite();
    }

    @Test
    void refusesScrapesThatCannotBeSubtracted() {
        PrometheusHistogram later = PrometheusHistogram.parse(scrape(5, 0, 0, 0.01, 0), METRIC, TRIPS);
        PrometheusHistogram restarted = PrometheusHistogram.parse(scrape(10, 0, 0, 0.01, 0), METRIC, TRIPS);
        PrometheusHistogram otherBuckets = PrometheusHistogram.of(new double[] {0.005, Double.POSITIVE_INFINITY}, new long[] {1, 1},
                0.001, 1);

        assertThatThrownBy(() -> later.minus(restarted)).hasMessageContaining("went down");
        assertThatThrownBy(() -> later.minus(otherBuckets)).hasMessageContaining("different buckets");
        assertThat(later.minus(PrometheusHistogram.parse("", METRIC, TRIPS)).count()).isEqualTo(5);
    }

    @Test
    void countersAreSummedOverTheirOtherLabels() {
        assertThat(PrometheusText.total(scrape(1, 0, 0, 0.0, 0), "carrara_predictions_errors_total", TRIPS)).isEqualTo(7.0);
        assertThat(PrometheusText.total(scrape(1, 0, 0, 0.0, 0), "carrara_predictions_errors_total",
                Map.of("deployment", "trips", "kind", "row"))).isEqualTo(5.0);
        assertThat(PrometheusText.total(scrape(1, 0, 0, 0.0, 0), "carrara_predictions_errors", TRIPS)).isZero();
    }

    @Test
    void labelValuesMayHoldEscapedQuotesCommasAndBraces() {
        PrometheusText.Sample sample = PrometheusText.parse("m_total{a=\"x\\\"y,}\",b=\"2\"} 3.5 1700000000000");

        assertThat(sample.name()).isEqualTo("m_total");
        assertThat(sample.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "x\"y,}", "b", "2"));
        assertThat(sample.value()).isEqualTo(3.5);
    }
}
