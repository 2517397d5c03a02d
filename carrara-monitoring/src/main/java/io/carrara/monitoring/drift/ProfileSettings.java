package io.carrara.monitoring.drift;

/**
 * How a {@link ProfileBuilder} sketches a reference: {@code bins} quantile bins per numeric feature (edges
 * at the ranks 1/bins … (bins−1)/bins, duplicates merged), the {@code topK} most frequent values per
 * categorical feature, the KLL sketch's {@code sketchK} (rank error about 1.3 % at 200, the DataSketches
 * default) and the frequent-items sketch's {@code trackedCategories} (a power of two; counts are exact
 * while a feature has fewer than three quarters of that many distinct values).
 */
public record ProfileSettings(int bins, int topK, int sketchK, int trackedCategories) {

    public static final ProfileSettings DEFAULTS = new ProfileSettings(10, 20, 200, 1024);

    public ProfileSettings {
        if (bins < 2 || bins > Profile.MAX_BINS) {
            throw new IllegalArgumentException("bins must be between 2 and " + Profile.MAX_BINS + ", not " + bins);
        }
        if (topK < 1 || topK > Profile.MAX_CATEGORIES) {
            throw new IllegalArgumentException("topK must be between 1 and " + Profile.MAX_CATEGORIES + ", not " + topK);
        }
        if (sketchK < 8 || sketchK > 65_535) {
            throw new IllegalArgumentException("sketchK must be between 8 and 65535, not " + sketchK);
        }
        if (trackedCategories < 16 || trackedCategories > (1 << 20) || Integer.bitCount(trackedCategories) != 1) {
            throw new IllegalArgumentException("trackedCategories must be a power of two between 16 and 2^20, not "
                    + trackedCategories);
        }
    }
}
