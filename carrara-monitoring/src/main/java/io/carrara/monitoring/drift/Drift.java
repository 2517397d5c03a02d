package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

import io.carrara.monitoring.quality.CompensatedSum;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Population stability index and Jensen–Shannon distance between two distributions over the same bins,
 * with one definition (docs/monitoring.md, Drift):
 * <ol>
 * <li>shares: each side's counts over its total, the nulls a bin of their own when either side has any;
 * <li>smoothing: every share becomes {@code (share + ε) / (1 + K·ε)} with ε = {@value #SMOOTHING} and K the
 *     number of bins, so that an empty bin costs a bounded amount and the shares still sum to 1;
 * <li>{@code PSI = Σ (actual − expected) · ln(actual / expected)} over the smoothed shares;
 * <li>{@code JS = sqrt((KL(expected ‖ m) + KL(actual ‖ m)) / 2)} in base 2 with {@code m} their mean, over the
 *     smoothed shares: {@code scipy.spatial.distance.jensenshannon(expected, actual, base=2)}.
 * </ol>
 */
public final class Drift {
    /** The share added to every bin before comparing. */
    public static final double SMOOTHING = 1e-4;

    private Drift() {}

    /**
     * The PSI of two share vectors over the same bins, smoothed as above. Shares are normalised by their sum
     * first, so counts work as well.
     *
     * @throws IllegalArgumentException for vectors of different lengths, empty ones, negative or non-finite
     *     shares, or a vector summing to 0
     */
    public static double psi(double[] expectedShares, double[] actualShares) {
        double[] expected = smoothed("expectedShares", expectedShares, actualShares);
        double[] actual = smoothed("actualShares", actualShares, expectedShares);
        CompensatedSum psi = new CompensatedSum();
        for (int i = 0; i < expected.length; i++) {
            psi.add((actual[i] - expected[i]) * Math.log(actual[i] / expected[i]));
        }
        return Math.max(0.0, psi.value());
    }

    /** The Jensen–Shannon distance (base 2, in [0, 1]) of two share vectors, smoothed as for {@link #psi}. */
    public static double jensenShannonDistance(double[] expectedShares, double[] actualShares) {
        double[] expected = smoothed("expectedShares", expectedShares, actualShares);
        double[] actual = smoothed("actualShares", actualShares, expectedShares);
        CompensatedSum divergence = new CompensatedSum();
        for (int i = 0; i < expected.length; i++) {
            double middle = (expected[i] + actual[i]) / 2.0;
            divergence.add(expected[i] * Math.log(expected[i] / middle));
            divergence.add(actual[i] * Math.log(actual[i] / middle));
        }
        return Math.sqrt(Math.max(0.0, divergence.value() / Math.log(2.0) / 2.0));
    }

    /**
     * The drift of every feature of {@code reference} that both profiles counted rows for, and of the
     * prediction when both have one. {@code current} must have been counted on the reference's bins
     * ({@link Profile#binLike(Profile)}).
     *
     * @throws IllegalArgumentException when a feature's bins differ between the two profiles
     */
    public static DriftReport compare(Profile reference, Profile current) {
        requireNonNull(reference, "reference is null");
        requireNonNull(current, "current is null");
        Map<String, DriftResult> features = new LinkedHashMap<>();
        reference.features().forEach((name, expected) -> {
            FeatureProfile actual = current.features().get(name);
            if (actual != null) {
                compare(name, expected, actual).ifPresent(result -> features.put(name, result));
            }
        });
        Optional<DriftResult> prediction = reference.prediction() == null || current.prediction() == null
                ? Optional.empty()
                : compare("prediction", reference.prediction(), current.prediction());
        return new DriftReport(features, prediction);
    }

    /** The drift of one feature, empty when either side counted no rows. */
    static Optional<DriftResult> compare(String name, FeatureProfile expected, FeatureProfile actual) {
        requireSameBins(name, expected, actual);
        long expectedRows = expected.rows();
        long actualRows = actual.rows();
        if (expectedRows == 0 || actualRows == 0) {
            return Optional.empty();
        }
        boolean nullBin = expected.nulls() > 0 || actual.nulls() > 0;
        double[] expectedShares = shares(expected, nullBin);
        double[] actualShares = shares(actual, nullBin);
        double psi = psi(expectedShares, actualShares);
        return Optional.of(new DriftResult(name, psi, jensenShannonDistance(expectedShares, actualShares),
                DriftBand.of(psi), expectedRows, actualRows));
    }

    /** A profile's bins as shares of its rows, then its nulls' share when {@code nullBin}. */
    static double[] shares(FeatureProfile profile, boolean nullBin) {
        long[] bins = profile.binCounts();
        double rows = profile.rows();
        double[] shares = new double[bins.length + (nullBin ? 1 : 0)];
        for (int i = 0; i < bins.length; i++) {
            shares[i] = bins[i] / rows;
        }
        if (nullBin) {
            shares[bins.length] = profile.nulls() / rows;
        }
        return shares;
    }

    private static double[] smoothed(String name, double[] shares, double[] other) {
        requireNonNull(shares, name + " is null");
        requireNonNull(other, "shares are null");
        if (shares.length != other.length) {
            throw new IllegalArgumentException("the two distributions have " + shares.length + " and " + other.length
                    + " bins; compare shares over the same bins");
        }
        if (shares.length == 0) {
            throw new IllegalArgumentException(name + " has no bins");
        }
        CompensatedSum total = new CompensatedSum();
        for (int i = 0; i < shares.length; i++) {
            if (!(shares[i] >= 0.0) || shares[i] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + shares[i]
                        + "; shares are finite and non-negative");
            }
            total.add(shares[i]);
        }
        double sum = total.value();
        if (sum <= 0.0) {
            throw new IllegalArgumentException(name + " sums to 0; a distribution needs at least one counted row");
        }
        double[] smoothed = new double[shares.length];
        double denominator = 1.0 + shares.length * SMOOTHING;
        for (int i = 0; i < shares.length; i++) {
            smoothed[i] = (shares[i] / sum + SMOOTHING) / denominator;
        }
        return smoothed;
    }

    private static void requireSameBins(String name, FeatureProfile expected, FeatureProfile actual) {
        boolean same;
        if (expected instanceof NumericProfile numeric && actual instanceof NumericProfile other) {
            same = numeric.edges().equals(other.edges());
        } else if (expected instanceof CategoricalProfile categorical && actual instanceof CategoricalProfile other) {
            same = categorical.values().equals(other.values());
        } else {
            same = false;
        }
        if (!same) {
            throw new IllegalArgumentException("the bins of " + name + " differ between the reference and the window;"
                    + " count the window with Profile.binLike(reference)");
        }
    }
}
