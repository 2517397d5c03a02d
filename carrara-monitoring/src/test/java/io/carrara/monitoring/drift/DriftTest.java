package io.carrara.monitoring.drift;

import static io.carrara.monitoring.ScikitLearn.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.monitoring.ReferenceDatasets;
import io.carrara.monitoring.ReferenceDatasets.DriftCase;
import io.carrara.monitoring.ScikitLearn;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DriftTest {

    static Stream<String> datasets() {
        return ReferenceDatasets.DRIFT.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void matchesNumPyAndSciPy(String dataset) {
        JsonNode expected = ScikitLearn.expected().get("drift").get(dataset);
        DriftCase c = ReferenceDatasets.DRIFT.get(dataset);
        DriftReport report = Drift.compare(c.reference(), c.current());
        DriftResult result = c.feature().equals("prediction") ? report.prediction().orElseThrow()
                : report.features().get(c.feature());

        assertClose(dataset + " psi", result.psi(), expected.get("psi").asDouble());
        assertClose(dataset + " js", result.js(), expected.get("js").asDouble());
        assertThat(result.band()).isEqualTo(DriftBand.of(result.psi()));
        assertThat(result.referenceRows()).isEqualTo(c.reference().rows());
        assertThat(result.currentRows()).isEqualTo(c.current().rows());
    }

    @Test
    void theSameRowsOnTheSameBinsDoNotDrift() {
        DriftCase identical = ReferenceDatasets.DRIFT.get("identical");
        DriftReport report = Drift.compare(identical.reference(), identical.current());
        assertThat(report.features()).containsOnlyKeys("x", "city", "score");
        for (DriftResult result : report.features().values()) {
            assertThat(result.psi()).isZero();
            assertThat(result.js()).isZero();
            assertThat(result.band()).isEqualTo(DriftBand.STABLE);
        }
        assertThat(report.prediction()).hasValueSatisfying(prediction -> assertThat(prediction.psi()).isZero());
    }

    @Test
    void theShiftsLandInTheirBands() {
        DriftCase shifted = ReferenceDatasets.DRIFT.get("numeric_shift");
        DriftReport report = Drift.compare(shifted.reference(), shifted.current());
        assertThat(report.features().get("x").band()).isEqualTo(DriftBand.MODERATE);
        assertThat(report.features().get("city").band()).isNotEqualTo(DriftBand.STABLE);
        assertThat(report.features().values()).allSatisfy(result -> assertThat(result.js()).isBetween(0.0, 1.0));
        DriftCase narrow = ReferenceDatasets.DRIFT.get("empty_bins");
        DriftReport collapsed = Drift.compare(narrow.reference(), narrow.current());
        assertThat(collapsed.features().values()).allSatisfy(result -> assertThat(result.band()).isEqualTo(DriftBand.MAJOR));
    }

    @Test
    void aSketchedReferenceIsCloseToItsExactCounts() {
        // One pass over the reference gives the KLL sketch's counts, within its rank error of the exact ones.
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            builder.add(Map.of("x", random.nextGaussian()));
        }
        Profile reference = builder.build();
        ProfileBuilder exact = Profile.binLike(reference);
        random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            exact.add(Map.of("x", random.nextGaussian()));
        }
        DriftResult result = Drift.compare(reference, exact.build()).features().get("x");
        assertThat(result.psi()).isLessThan(0.01);
        assertThat(result.band()).isEqualTo(DriftBand.STABLE);
    }

    @Test
    void smoothingMakesEmptyBinsFinite() {
        double[] expected = {0.5, 0.5, 0.0};
        double[] actual = {0.0, 0.5, 0.5};
        double e = Drift.SMOOTHING;
        double norm = 1 + 3 * e;
        double[] p = {(0.5 + e) / norm, (0.5 + e) / norm, e / norm};
        double[] q = {e / norm, (0.5 + e) / norm, (0.5 + e) / norm};
        double psi = 0;
        for (int i = 0; i < 3; i++) {
            psi += (q[i] - p[i]) * Math.log(q[i] / p[i]);
        }
        assertThat(Drift.psi(expected, actual)).isCloseTo(psi, within(1e-12));
        assertThat(Drift.psi(new double[] {2, 2, 0}, new double[] {0, 3, 3})).isCloseTo(psi, within(1e-12));
        assertThat(Drift.jensenShannonDistance(expected, actual)).isBetween(0.0, 1.0);
        assertThat(Drift.psi(expected, expected)).isZero();
        assertThat(Drift.jensenShannonDistance(expected, expected)).isZero();
    }

    @Test
    void bandsFollowThePsi() {
        assertThat(DriftBand.of(0.0999)).isEqualTo(DriftBand.STABLE);
        assertThat(DriftBand.of(0.1)).isEqualTo(DriftBand.MODERATE);
        assertThat(DriftBand.of(0.25)).isEqualTo(DriftBand.MODERATE);
        assertThat(DriftBand.of(0.2501)).isEqualTo(DriftBand.MAJOR);
        assertThat(DriftBand.MAJOR.label()).isEqualTo("major");
    }

    @Test
    void leavesOutFeaturesWithoutRows() {
        Profile reference = ProfileBuilder.sketching(ProfileSettings.DEFAULTS).add(Map.of("x", 1.0)).build();
        Profile empty = Profile.binLike(reference).build();
        assertThat(Drift.compare(reference, empty).features()).isEmpty();
        assertThat(Drift.compare(reference, empty).prediction()).isEmpty();
    }

    @Test
    void refusesDifferentBins() {
        Profile reference = ProfileBuilder.sketching(ProfileSettings.DEFAULTS).add(Map.of("x", 1.0)).add(Map.of("x", 2.0)).build();
        Profile other = ProfileBuilder.sketching(ProfileSettings.DEFAULTS).add(Map.of("x", 5.0)).build();
        assertThatThrownBy(() -> Drift.compare(reference, other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the bins of x differ").hasMessageContaining("Profile.binLike(reference)");
        assertThatThrownBy(() -> Drift.psi(new double[] {1, 0}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 and 1 bins");
        assertThatThrownBy(() -> Drift.psi(new double[] {0, 0}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sums to 0");
        assertThatThrownBy(() -> Drift.psi(new double[] {-1, 2}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectedShares[0] is -1.0");
        assertThatThrownBy(() -> Drift.jensenShannonDistance(new double[] {Double.NaN}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is NaN");
        assertThat(List.of(DriftBand.values())).hasSize(3);
    }
}
