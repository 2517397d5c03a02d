package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

import io.carrara.monitoring.quality.CompensatedSum;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Builds a {@link Profile} one row at a time. Two kinds: {@link #sketching(ProfileSettings)} learns the bins
 * of a reference from sketches (KLL quantiles for numbers, frequent items for categories) in bounded memory;
 * {@link #binLike(Profile)} counts rows exactly on a reference's bins, for a window to compare with it.
 * Values are numbers, strings, booleans or null; a missing key is a null. Not thread-safe.
 * <pre>{@code
 * ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
 * builder.add(Map.of("distance", 3.2, "city", "nyc"), 0.71);
 * Profile reference = builder.build();
 * }</pre>
 */
public final class ProfileBuilder {
    private final Profile reference;
    private final ProfileSettings settings;
    private final Map<String, Accumulator> features = new LinkedHashMap<>();
    private Accumulator prediction;
    private long rows;

    private ProfileBuilder(Profile reference, ProfileSettings settings) {
        this.reference = reference;
        this.settings = settings;
        if (reference != null) {
            reference.features().forEach((name, profile) -> features.put(name, counting(profile)));
            prediction = reference.prediction() == null ? null : counting(reference.prediction());
        }
    }

    /** A builder that learns bins from the rows it is given: the reference profile of a dataset. */
    public static ProfileBuilder sketching(ProfileSettings settings) {
        return new ProfileBuilder(null, requireNonNull(settings, "settings is null"));
    }

    /**
     * A builder that counts rows on the bins of {@code reference}. Features the reference does not know are
     * ignored; a value of the wrong kind for a numeric feature (a string, a boolean) is counted as a null.
     */
    public static ProfileBuilder binLike(Profile reference) {
        return new ProfileBuilder(requireNonNull(reference, "reference is null"), null);
    }

    /** Adds a row without a prediction. */
    public ProfileBuilder add(Map<String, ?> row) {
        return add(row, null);
    }

    /**
     * Adds a row and its prediction (a number or a class; null when absent).
     *
     * @throws IllegalArgumentException for a value that is not a number, string, boolean or null, or a new
     *     feature beyond {@link Profile#MAX_FEATURES}; the row is then not counted
     */
    public ProfileBuilder add(Map<String, ?> row, Object prediction) {
        requireNonNull(row, "row is null");
        for (Map.Entry<String, ?> entry : row.entrySet()) {
            if (entry.getKey() == null || entry.getKey().isEmpty()) {
                throw new IllegalArgumentException("a feature name is null or empty; name every value of a row");
            }
            requireValue(entry.getKey(), entry.getValue());
        }
        requireValue("prediction", prediction);
        if (reference == null) {
            long unknown = row.keySet().stream().filter(name -> !features.containsKey(cut(name))).count();
            if (features.size() + unknown > Profile.MAX_FEATURES) {
                throw new IllegalArgumentException("a profile holds at most " + Profile.MAX_FEATURES
                        + " features; this row would bring it to " + (features.size() + unknown));
            }
        }
        rows++;
        for (Map.Entry<String, ?> entry : row.entrySet()) {
            Accumulator accumulator = reference == null
                    ? features.computeIfAbsent(cut(entry.getKey()), name -> new Sketching(settings))
                    : features.get(cut(entry.getKey()));
            if (accumulator != null) {
                accumulator.add(entry.getValue());
            }
        }
        if (prediction != null && reference == null && this.prediction == null) {
            this.prediction = new Sketching(settings);
        }
        if (this.prediction != null) {
            this.prediction.add(prediction);
        }
        return this;
    }

    /** The profile of the rows added so far; the builder can go on adding. */
    public Profile build() {
        Map<String, FeatureProfile> built = new HashMap<>();
        features.forEach((name, accumulator) -> built.put(name, accumulator.build(rows)));
        return new Profile(Profile.FORMAT_VERSION, rows, built, prediction == null ? null : prediction.build(rows));
    }

    private static void requireValue(String name, Object value) {
        if (value != null && !(value instanceof Number || value instanceof String || value instanceof Boolean
                || value instanceof Character)) {
            throw new IllegalArgumentException(name + " is a " + value.getClass().getSimpleName()
                    + "; profiled values are numbers, strings, booleans or null");
        }
    }

    private static String cut(String value) {
        return value.length() > Profile.MAX_VALUE_LENGTH ? value.substring(0, Profile.MAX_VALUE_LENGTH) : value;
    }

    /**
     * The double of a number, or NaN for what is not a number (a null, a string, a boolean, a NaN). Adding
     * 0.0 turns −0.0 into 0.0, one value for the sketch and for the binary search over edges.
     */
    private static double number(Object value) {
        return value instanceof Number number ? number.doubleValue() + 0.0 : Double.NaN;
    }

    /** A value as a category: integral numbers without a fraction ("3", not "3.0"), strings cut to length. */
    static String category(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                return Long.toString((long) d);
            }
            return value instanceof BigDecimal decimal ? cut(decimal.stripTrailingZeros().toPlainString()) : Double.toString(d);
        }
        return cut(value.toString());
    }

    private static Accumulator counting(FeatureProfile profile) {
        return profile instanceof NumericProfile numeric
                ? new NumericCounting(numeric)
                : new CategoricalCounting((CategoricalProfile) profile);
    }

    private interface Accumulator {
        void add(Object value);

        FeatureProfile build(long rows);
    }

    /** Running min, max and mean of the finite numbers of a feature. */
    private static final class Summary {
        private final CompensatedSum sum = new CompensatedSum();
        private long count;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        void add(double value) {
            if (Double.isFinite(value)) {
                sum.add(value);
                count++;
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }

        NumericProfile profile(List<Double> edges, long[] counts, long nulls) {
            List<Long> boxed = Arrays.stream(counts).boxed().toList();
            return count == 0
                    ? new NumericProfile(edges, boxed, nulls, null, null, null)
                    : new NumericProfile(edges, boxed, nulls, min, max, sum.value() / count);
        }
    }

    /**
     * Learns a feature's bins. Both sketches see every value because the kind of a feature is known only at
     * the end: numeric when every non-null value was a number, categorical (numbers rendered as categories)
     * otherwise.
     */
    private static final class Sketching implements Accumulator {
        private final ProfileSettings settings;
        private final KllDoublesSketch quantiles;
        private final ItemsSketch<String> frequencies;
        private final Summary summary = new Summary();
        private long values;
        private long nonNumbers;
        private long negativeInfinities;
        private long positiveInfinities;

        Sketching(ProfileSettings settings) {
            this.settings = settings;
            this.quantiles = KllDoublesSketch.newHeapInstance(settings.sketchK());
            this.frequencies = new ItemsSketch<>(settings.trackedCategories());
        }

        @Override
        public void add(Object value) {
            if (value == null || (value instanceof Number && Double.isNaN(number(value)))) {
                return;
            }
            values++;
            frequencies.update(category(value));
            if (!(value instanceof Number)) {
                nonNumbers++;
                return;
            }
            double d = number(value);
            if (d == Double.NEGATIVE_INFINITY) {
                negativeInfinities++;
            } else if (d == Double.POSITIVE_INFINITY) {
                positiveInfinities++;
            } else {
                quantiles.update(d);
                summary.add(d);
            }
        }

        @Override
        public FeatureProfile build(long rows) {
            long nulls = rows - values;
            return nonNumbers == 0 ? numeric(nulls) : categorical(nulls);
        }

        /**
         * Edges are the sketch's inclusive quantiles at ranks 1/bins … (bins−1)/bins (the smallest value whose
         * share of values at or below it reaches the rank), duplicates merged. Counts come from the sketch's
         * inclusive CDF at the edges, rounded cumulatively so that they add up to the values seen.
         */
        private NumericProfile numeric(long nulls) {
            List<Double> edges = new ArrayList<>();
            long finite = quantiles.getN();
            long[] counts;
            if (finite == 0) {
                counts = new long[] {negativeInfinities + positiveInfinities};
            } else {
                for (int i = 1; i < settings.bins(); i++) {
                    double edge = quantiles.getQuantile((double) i / settings.bins(), QuantileSearchCriteria.INCLUSIVE);
                    if (edges.isEmpty() || edges.get(edges.size() - 1) < edge) {
                        edges.add(edge);
                    }
                }
                double[] cumulative = quantiles.getCDF(edges.stream().mapToDouble(Double::doubleValue).toArray(),
                        QuantileSearchCriteria.INCLUSIVE);
                counts = new long[edges.size() + 1];
                long previous = 0;
                for (int i = 0; i < counts.length; i++) {
                    long upTo = i == counts.length - 1 ? finite : Math.round(cumulative[i] * finite);
                    upTo = Math.max(previous, Math.min(finite, upTo));
                    counts[i] = upTo - previous;
                    previous = upTo;
                }
                counts[0] += negativeInfinities;
                counts[counts.length - 1] += positiveInfinities;
            }
            return summary.profile(edges, counts, nulls);
        }

        /** The topK most frequent values (ties by value), their estimated counts, and the rest as "other". */
        private CategoricalProfile categorical(long nulls) {
            ItemsSketch.Row<String>[] frequent = frequencies.getFrequentItems(0, ErrorType.NO_FALSE_POSITIVES);
            List<ItemsSketch.Row<String>> sorted = new ArrayList<>(Arrays.asList(frequent));
            sorted.sort(Comparator.<ItemsSketch.Row<String>>comparingLong(ItemsSketch.Row::getEstimate).reversed()
                    .thenComparing(ItemsSketch.Row::getItem));
            List<String> top = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            long counted = 0;
            for (ItemsSketch.Row<String> row : sorted.subList(0, Math.min(settings.topK(), sorted.size()))) {
                long count = Math.min(row.getEstimate(), values - counted);
                top.add(row.getItem());
                counts.add(count);
                counted += count;
            }
            return new CategoricalProfile(top, counts, values - counted, nulls);
        }
    }

    /** Counts a numeric feature on a reference's edges: a value that is not a number counts as a null. */
    private static final class NumericCounting implements Accumulator {
        private final NumericProfile reference;
        private final double[] edges;
        private final long[] counts;
        private final Summary summary = new Summary();
        private long values;

        NumericCounting(NumericProfile reference) {
            this.reference = reference;
            this.edges = reference.edges().stream().mapToDouble(Double::doubleValue).toArray();
            this.counts = new long[edges.length + 1];
        }

        @Override
        public void add(Object value) {
            double d = number(value);
            if (Double.isNaN(d)) {
                return;
            }
            values++;
            summary.add(d);
            int bin = Arrays.binarySearch(edges, d);
            counts[bin >= 0 ? bin : -bin - 1]++;
        }

        @Override
        public FeatureProfile build(long rows) {
            return summary.profile(reference.edges(), counts.clone(), rows - values);
        }
    }

    /** Counts a categorical feature on a reference's values: anything else is "other". */
    private static final class CategoricalCounting implements Accumulator {
        private final CategoricalProfile reference;
        private final Map<String, Integer> bins = new HashMap<>();
        private final long[] counts;
        private long other;
        private long values;

        CategoricalCounting(CategoricalProfile reference) {
            this.reference = reference;
            for (int i = 0; i < reference.values().size(); i++) {
                bins.put(reference.values().get(i), i);
            }
            this.counts = new long[reference.values().size()];
        }

        @Override
        public void add(Object value) {
            if (value == null || (value instanceof Number && Double.isNaN(number(value)))) {
                return;
            }
            values++;
            Integer bin = bins.get(category(value));
            if (bin == null) {
                other++;
            } else {
                counts[bin]++;
            }
        }

        @Override
        public FeatureProfile build(long rows) {
            return new CategoricalProfile(reference.values(), Arrays.stream(counts).boxed().toList(), other, rows - values);
        }
    }
}
