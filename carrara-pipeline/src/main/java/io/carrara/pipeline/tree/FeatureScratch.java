package io.carrara.pipeline.tree;

import io.carrara.pipeline.linalg.Vector;

/**
 * A per-thread dense copy of a row's feature vector for an ensemble to walk: a sparse vector's
 * {@code get} is a binary search, and 100 trees of depth 5 make 500 of them per row, where a dense
 * array makes 500 loads. Only the stored entries are written and, after the walk, cleared, so a row
 * costs its non-zeros twice, not the vector's size.
 *
 * <pre>{@code
 * double[] dense = FeatureScratch.dense(features);
 * try { ... tree.leaf(dense) ... } finally { FeatureScratch.release(features, dense); }
 * }</pre>
 */
public final class FeatureScratch {
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[][] {new double[0]});

    private FeatureScratch() {}

    /** The features as a dense array of at least their size, zero beyond the stored entries; release it after use. */
    public static double[] dense(Vector features) {
        double[][] holder = SCRATCH.get();
        double[] values = holder[0];
        if (values.length < features.size()) {
            values = new double[features.size()];
            holder[0] = values;
        }
        for (int k = 0; k < features.activeCount(); k++) {
            values[features.activeIndex(k)] = features.activeValue(k);
        }
        return values;
    }

    /** Zeroes what {@link #dense} wrote, leaving the array all zeros for the thread's next row. */
    public static void release(Vector features, double[] dense) {
        for (int k = 0; k < features.activeCount(); k++) {
            dense[features.activeIndex(k)] = 0.0;
        }
    }
}
