package io.carrara.pipeline.linalg;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A vector storing only listed entries, with strictly increasing indices, like Spark's
 * {@code SparseVector}: {@code new SparseVector(5, new int[] {1}, new double[] {1.0})} is (0,1,0,0,0).
 */
public final class SparseVector implements Vector {
    private final int size;
    private final int[] indices;
    private final double[] values;

    /** Takes ownership of the arrays; checks them because saved models and callers can be wrong. */
    public SparseVector(int size, int[] indices, double[] values) {
        requireNonNull(indices, "indices is null");
        requireNonNull(values, "values is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length: " + indices.length + " and " + values.length);
        }
        int previous = -1;
        for (int index : indices) {
            if (index <= previous || index >= size) {
                throw new IllegalArgumentException("indices must increase and lie in [0, " + size + "): " + Arrays.toString(indices));
            }
            previous = index;
        }
        this.size = size;
        this.indices = indices;
        this.values = values;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public double get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " outside vector of size " + size);
        }
        int position = Arrays.binarySearch(indices, index);
        return position >= 0 ? values[position] : 0.0;
    }

    @Override
    public int activeCount() {
        return indices.length;
    }

    @Override
    public int activeIndex(int position) {
        return indices[position];
    }

    @Override
    public double activeValue(int position) {
        return values[position];
    }

    @Override
    public double[] toArray() {
        double[] dense = new double[size];
        for (int k = 0; k < indices.length; k++) {
            dense[indices[k]] = values[k];
        }
        return dense;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Vector vector && Vector.valuesEqual(this, vector);
    }

    @Override
    public int hashCode() {
        return Vector.valuesHash(this);
    }

    @Override
    public String toString() {
        return "(" + size + "," + Arrays.toString(indices) + "," + Arrays.toString(values) + ")";
    }
}
