package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;
import java.util.List;

/**
 * A numeric feature: {@code edges.size() + 1} bins, right-closed and open at both ends — bin 0 is
 * {@code (−∞, edges[0]]}, bin i is {@code (edges[i−1], edges[i]]}, the last is {@code (edges[last], +∞)} —
 * with their counts, the null count, and the smallest, largest and mean finite value (null when there
 * is none).
 */
public record NumericProfile(List<Double> edges, List<Long> counts, long nulls, Double min, Double max, Double mean)
        implements FeatureProfile {

    public NumericProfile {
        requireNonNull(edges, "edges is null");
        requireNonNull(counts, "counts is null");
        edges = List.copyOf(edges);
        counts = List.copyOf(counts);
        if (edges.size() > Profile.MAX_BINS - 1) {
            throw new IllegalArgumentException("a numeric profile has at most " + (Profile.MAX_BINS - 1)
                    + " edges, not " + edges.size());
        }
        for (int i = 0; i < edges.size(); i++) {
            double edge = edges.get(i);
            if (!Double.isFinite(edge)) {
                throw new IllegalArgumentException("edge " + i + " is " + edge + "; edges are finite numbers");
            }
            if (i > 0 && !(edges.get(i - 1) < edge)) {
                throw new IllegalArgumentException("edges must increase strictly, but edge " + i + " (" + edge
                        + ") follows " + edges.get(i - 1));
            }
        }
        if (counts.size() != edges.size() + 1) {
            throw new IllegalArgumentException(edges.size() + " edges make " + (edges.size() + 1)
                    + " bins, but there are " + counts.size() + " counts");
        }
        Profile.requireCounts(counts, nulls);
        for (Double statistic : Arrays.asList(min, max, mean)) {
            if (statistic != null && !Double.isFinite(statistic)) {
                throw new IllegalArgumentException("min, max and mean are finite or null, not " + statistic);
            }
        }
    }

    /** The bin of a finite value or infinity: the first edge at or above it, else the last bin. */
    public int binOf(double value) {
        int low = 0;
        int high = edges.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (value <= edges.get(middle)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    @JsonIgnore
    @Override
    public long[] binCounts() {
        return counts.stream().mapToLong(Long::longValue).toArray();
    }
}
