package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One histogram series read from a Prometheus text exposition (cumulative {@code _bucket} counts by
 * {@code le}, {@code _sum} and {@code _count}), such as the server's
 * {@code carrara_predictions_latency_seconds{deployment="trips"}}. Two scrapes around a measured
 * window give that window's own histogram with {@link #minus}; its quantiles are interpolated
 * linearly inside a bucket, as Prometheus' {@code histogram_quantile} does, so they are only as fine
 * as the buckets ({@link Quantile} keeps the bucket's bounds to say so). The mean is exact.
 *
 * <pre>{@code
 * PrometheusHistogram before = PrometheusHistogram.parse(scrape1, "carrara_predictions_latency_seconds", Map.of("deployment", "trips"));
 * PrometheusHistogram window = PrometheusHistogram.parse(scrape2, ...).minus(before);
 * window.quantile(0.99).value();   // seconds
 * }</pre>
 */
final class PrometheusHistogram {
    private static final PrometheusHistogram EMPTY = new PrometheusHistogram(new double[0], new long[0], 0, 0);

    private final double[] upperBounds;
    private final long[] cumulativeCounts;
    private final double sum;
    private final long count;

    /** A quantile's estimate and the bounds of the bucket it lies in (upper bound infinite for the overflow bucket). */
    record Quantile(double value, double bucketLower, double bucketUpper) {
        /** Whether the estimate lies in the lowest bucket, which says nothing finer than "at most its upper bound". */
        boolean inLowestBucket() {
            return bucketLower == 0;
        }
    }

    private PrometheusHistogram(double[] upperBounds, long[] cumulativeCounts, double sum, long count) {
        this.upperBounds = upperBounds;
        this.cumulativeCounts = cumulativeCounts;
        this.sum = sum;
        this.count = count;
    }

    /**
     * The series of {@code metric} (the base name, without {@code _bucket}) whose labels include
     * every entry of {@code labels}; an empty histogram when the exposition has no such series.
     */
    static PrometheusHistogram parse(String exposition, String metric, Map<String, String> labels) {
        requireNonNull(exposition, "exposition is null");
        requireNonNull(metric, "metric is null");
        requireNonNull(labels, "labels is null");
        TreeMap<Double, Long> buckets = new TreeMap<>();
        double sum = 0;
        long count = 0;
        boolean found = false;
        for (PrometheusText.Sample sample : PrometheusText.samples(exposition, metric + "_", labels)) {
            switch (sample.name().substring(metric.length())) {
                case "_bucket" -> {
                    String le = sample.labels().get("le");
                    if (le == null) {
                        throw new IllegalArgumentException("bucket of " + metric + " without an le label");
                    }
                    buckets.merge(parseBound(le), (long) sample.value(), Long::sum);
                    found = true;
                }
                case "_sum" -> {
                    sum += sample.value();
                    found = true;
                }
                case "_count" -> {
                    count += (long) sample.value();
                    found = true;
                }
                default -> { }
            }
        }
        if (!found) {
            return EMPTY;
        }
        double[] bounds = buckets.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        long[] counts = buckets.values().stream().mapToLong(Long::longValue).toArray();
        return new PrometheusHistogram(bounds, counts, sum, count);
    }

    /** Builds a histogram from cumulative bucket counts, for tests and for callers that already have them. */
    static PrometheusHistogram of(double[] upperBounds, long[] cumulativeCounts, double sum, long count) {
        if (upperBounds.length != cumulativeCounts.length) {
            throw new IllegalArgumentException("bounds and counts differ in length");
        }
        for (int i = 1; i < upperBounds.length; i++) {
            if (!(upperBounds[i] > upperBounds[i - 1]) || cumulativeCounts[i] < cumulativeCounts[i - 1]) {
                throw new IllegalArgumentException("buckets must be ascending with cumulative counts");
            }
        }
        return new PrometheusHistogram(upperBounds.clone(), cumulativeCounts.clone(), sum, count);
    }

    /** What was recorded between {@code earlier} and this scrape of the same series. */
    PrometheusHistogram minus(PrometheusHistogram earlier) {
        requireNonNull(earlier, "earlier is null");
        if (earlier.upperBounds.length == 0) {
            return this;
        }
        if (!Arrays.equals(upperBounds, earlier.upperBounds)) {
            throw new IllegalArgumentException("the two scrapes have different buckets; was the server restarted in between?");
        }
        long[] counts = new long[cumulativeCounts.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = cumulativeCounts[i] - earlier.cumulativeCounts[i];
            if (counts[i] < 0) {
                throw new IllegalArgumentException("bucket le=" + upperBounds[i] + " went down between the scrapes;"
                        + " was the server restarted or the deployment redeployed in between?");
            }
        }
        return new PrometheusHistogram(upperBounds, counts, sum - earlier.sum, count - earlier.count);
    }

    /** Observations in the window. */
    long count() {
        return count;
    }

    /** The exact mean ({@code _sum / _count}), empty when nothing was observed. */
    OptionalDouble mean() {
        return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / count);
    }

    /**
     * The {@code q} quantile (0 < q ≤ 1), interpolated linearly inside its bucket from the bucket's
     * lower bound (the previous {@code le}, or 0); in the {@code +Inf} bucket, the highest finite
     * bound. Empty when nothing was observed.
     */
    Optional<Quantile> quantile(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], not " + q);
        }
        int buckets = cumulativeCounts.length;
        if (buckets == 0 || cumulativeCounts[buckets - 1] == 0) {
            return Optional.empty();
        }
        double rank = q * cumulativeCounts[buckets - 1];
        int bucket = 0;
        while (cumulativeCounts[bucket] < rank) {
            bucket++;
        }
        double lower = bucket == 0 ? 0 : upperBounds[bucket - 1];
        double upper = upperBounds[bucket];
        if (Double.isInfinite(upper)) {
            return Optional.of(new Quantile(lower, lower, upper));
        }
        long below = bucket == 0 ? 0 : cumulativeCounts[bucket - 1];
        long inBucket = cumulativeCounts[bucket] - below;
        double value = lower + (upper - lower) * (rank - below) / inBucket;
        return Optional.of(new Quantile(value, lower, upper));
    }

    private static double parseBound(String le) {
        return switch (le) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            default -> Double.parseDouble(le);
        };
    }
}
