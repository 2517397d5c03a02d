package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.HashSet;
import java.util.List;

/**
 * A categorical feature: the most frequent values of the reference (at most {@link Profile#MAX_CATEGORIES}),
 * their counts, the count of every other value, and the null count. Bins are the values in order, then
 * "other".
 */
public record CategoricalProfile(List<String> values, List<Long> counts, long other, long nulls)
        implements FeatureProfile {

    public CategoricalProfile {
        requireNonNull(values, "values is null");
        requireNonNull(counts, "counts is null");
        values = List.copyOf(values);
        counts = List.copyOf(counts);
        if (values.size() > Profile.MAX_CATEGORIES) {
            throw new IllegalArgumentException("a categorical profile holds at most " + Profile.MAX_CATEGORIES
                    + " values, not " + values.size());
        }
        if (counts.size() != values.size()) {
            throw new IllegalArgumentException(values.size() + " values but " + counts.size() + " counts");
        }
        if (new HashSet<>(values).size() != values.size()) {
            throw new IllegalArgumentException("the values of a categorical profile must be distinct: " + values);
        }
        for (String value : values) {
            if (value.length() > Profile.MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException("a category is at most " + Profile.MAX_VALUE_LENGTH
                        + " characters; one has " + value.length());
            }
        }
        Profile.requireCounts(counts, nulls);
        if (other < 0) {
            throw new IllegalArgumentException("the other count is negative: " + other);
        }
    }

    /** The bin of a value: its place among {@link #values()}, or {@code values().size()} for "other". */
    public int binOf(String value) {
        int index = values.indexOf(value);
        return index >= 0 ? index : values.size();
    }

    @JsonIgnore
    @Override
    public long[] binCounts() {
        long[] bins = new long[values.size() + 1];
        for (int i = 0; i < values.size(); i++) {
            bins[i] = counts.get(i);
        }
        bins[values.size()] = other;
        return bins;
    }
}
