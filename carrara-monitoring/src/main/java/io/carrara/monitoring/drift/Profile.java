package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The distribution of a dataset: one {@link FeatureProfile} per feature, by name, and optionally one for
 * the prediction, each counting every one of {@code rows} rows (docs/monitoring.md, Drift). A reference
 * profile comes from a {@link ProfileBuilder#sketching(ProfileSettings)}; a window is counted on the
 * reference's bins with {@link #binLike(Profile)} and compared with {@link Drift#compare(Profile, Profile)}.
 * <pre>{@code
 * ProfileBuilder window = Profile.binLike(reference);
 * for (LoggedPrediction row : rows) window.add(row.features(), row.prediction());
 * DriftReport report = Drift.compare(reference, window.build());
 * }</pre>
 *
 * @param formatVersion {@link #FORMAT_VERSION}, the layout of the profile's JSON
 * @param prediction the prediction's distribution, or null when the rows came without predictions
 */
public record Profile(int formatVersion, long rows, Map<String, FeatureProfile> features, FeatureProfile prediction) {

    /** Version 1: numeric (right-closed quantile bins) and categorical (top-k + other) features, with nulls. */
    public static final int FORMAT_VERSION = 1;
    public static final int MAX_FEATURES = 1_000;
    public static final int MAX_BINS = 100;
    public static final int MAX_CATEGORIES = 100;
    /** Feature names and categories longer than this are cut to it. */
    public static final int MAX_VALUE_LENGTH = 256;

    public Profile {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown profile format version " + formatVersion
                    + "; this version of Carrara reads version " + FORMAT_VERSION);
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows is negative: " + rows);
        }
        requireNonNull(features, "features is null");
        if (features.size() > MAX_FEATURES) {
            throw new IllegalArgumentException("a profile holds at most " + MAX_FEATURES + " features, not " + features.size());
        }
        features = Collections.unmodifiableMap(new TreeMap<>(features));
        for (Map.Entry<String, FeatureProfile> feature : features.entrySet()) {
            requireNonNull(feature.getKey(), "a feature name is null");
            if (feature.getKey().isEmpty() || feature.getKey().length() > MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException("a feature name has 1 to " + MAX_VALUE_LENGTH + " characters: \""
                        + feature.getKey() + "\"");
            }
            requireNonNull(feature.getValue(), "the profile of feature " + feature.getKey() + " is null");
            requireRows(feature.getKey(), feature.getValue(), rows);
        }
        if (prediction != null) {
            requireRows("prediction", prediction, rows);
        }
    }

    /** A builder that counts rows on the bins of {@code reference}: the window profile to compare with it. */
    public static ProfileBuilder binLike(Profile reference) {
        return ProfileBuilder.binLike(reference);
    }

    private static void requireRows(String name, FeatureProfile profile, long rows) {
        if (profile.rows() != rows) {
            throw new IllegalArgumentException("the profile of " + name + " counts " + profile.rows()
                    + " rows (bins and nulls) but the profile has " + rows);
        }
    }

    static void requireCounts(List<Long> counts, long nulls) {
        for (Long count : counts) {
            if (count == null || count < 0) {
                throw new IllegalArgumentException("counts are non-negative numbers, not " + count);
            }
        }
        if (nulls < 0) {
            throw new IllegalArgumentException("the null count is negative: " + nulls);
        }
    }
}
