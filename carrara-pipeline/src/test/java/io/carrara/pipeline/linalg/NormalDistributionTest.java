package io.carrara.pipeline.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NormalDistributionTest {
    /** Reference values of erf as Python's math.erf (the C library's) prints them. */
    @ParameterizedTest
    @CsvSource({
        "0.1, 0.1124629160182849",
        "0.5, 0.5204998778130465",
        "1.0, 0.8427007929497149",
        "1.5, 0.9661051464753108",
        "2.0, 0.9953222650189527",
        "3.0, 0.9999779095030014",
        "5.0, 0.9999999999984626"
    })
    void erfMatchesReferenceValues(double x, double expected) {
        assertThat(NormalDistribution.erf(x)).isCloseTo(expected, within(2e-16 + 1e-15 * expected));
        assertThat(NormalDistribution.erf(-x)).isCloseTo(-expected, within(2e-16 + 1e-15 * expected));
    }

    @Test
    void cdfHasTheNormalsShape() {
        assertThat(NormalDistribution.cdf(0.0)).isEqualTo(0.5);
        assertThat(NormalDistribution.cdf(1.959963984540054)).isCloseTo(0.975, within(1e-15));
        assertThat(NormalDistribution.cdf(-1.959963984540054)).isCloseTo(0.025, within(1e-15));
        assertThat(NormalDistribution.cdf(60.0)).isEqualTo(1.0);
        assertThat(NormalDistribution.cdf(-60.0)).isEqualTo(0.0);
        assertThat(NormalDistribution.cdf(Double.NaN)).isNaN();
    }
}
