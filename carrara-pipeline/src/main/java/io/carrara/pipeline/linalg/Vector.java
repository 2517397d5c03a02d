package io.carrara.pipeline.linalg;

/**
 * A vector of doubles, dense or sparse like Spark's {@code ml.linalg.Vector}. Two vectors are equal
 * when they have the same size and the same values, whatever their representation. Iterate the
 * stored entries with {@link #activeCount()}, {@link #activeIndex(int)} and {@link #activeValue(int)}:
 * no iterator or boxing on the scoring path.
 */
public sealed interface Vector permits DenseVector, SparseVector {
    int size();

    double get(int index);

    /** Entries stored explicitly: all of them for a dense vector, the non-default ones for a sparse one. */
    int activeCount();

    int activeIndex(int position);

    double activeValue(int position);

    /** A fresh dense copy of every value. */
    double[] toArray();

    default int numNonZeros() {
        int count = 0;
        for (int k = 0; k < activeCount(); k++) {
            if (activeValue(k) != 0.0) {
                count++;
            }
        }
        return count;
    }

    /** Each entry times the factor at its index, keeping the representation (sparse stays sparse). */
    default Vector multipliedBy(double[] factors) {
        int count = activeCount();
        double[] values = new double[count];
        for (int k = 0; k < count; k++) {
            values[k] = activeValue(k) * factors[activeIndex(k)];
        }
        if (this instanceof DenseVector) {
            return new DenseVector(values);
        }
        int[] indices = new int[count];
        for (int k = 0; k < count; k++) {
            indices[k] = activeIndex(k);
        }
        return new SparseVector(size(), indices, values);
    }

    /** Dot product with dense weights of the same size, touching only the stored entries. */
    default double dot(double[] weights) {
        double sum = 0.0;
        for (int k = 0; k < activeCount(); k++) {
            sum += weights[activeIndex(k)] * activeValue(k);
        }
        return sum;
    }

    /** Dot product; sizes must match. */
    default double dot(Vector other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException("vector sizes differ: " + size() + " and " + other.size());
        }
        double sum = 0.0;
        if (this instanceof DenseVector && other instanceof DenseVector) {
            for (int i = 0; i < size(); i++) {
                sum += get(i) * other.get(i);
            }
            return sum;
        }
        Vector sparse = this instanceof SparseVector ? this : other;
        Vector rest = sparse == this ? other : this;
        for (int k = 0; k < sparse.activeCount(); k++) {
            sum += sparse.activeValue(k) * rest.get(sparse.activeIndex(k));
        }
        return sum;
    }

    /**
     * The values stored the way Spark's {@code Vector.compressed} stores them: sparse when
     * 12 bytes per non-zero (NaN counts) plus 28 beat 8 bytes per value plus 12, dense otherwise.
     * Takes ownership of {@code values}.
     */
    static Vector compressed(double[] values) {
        int nonZeros = 0;
        for (double value : values) {
            if (value != 0.0) {
                nonZeros++;
            }
        }
        if (12L * nonZeros + 28 >= 8L * values.length + 12) {
            return new DenseVector(values);
        }
        int[] indices = new int[nonZeros];
        double[] nonZeroValues = new double[nonZeros];
        int position = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0.0) {
                indices[position] = i;
                nonZeroValues[position++] = values[i];
            }
        }
        return new SparseVector(values.length, indices, nonZeroValues);
    }

    static boolean valuesEqual(Vector a, Vector b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (Double.doubleToLongBits(a.get(i)) != Double.doubleToLongBits(b.get(i))
                    && !(a.get(i) == 0.0 && b.get(i) == 0.0)) {
                return false;
            }
        }
        return true;
    }

    static int valuesHash(Vector vector) {
        int hash = vector.size();
        for (int k = 0; k < vector.activeCount() && k < 16; k++) {
            double value = vector.activeValue(k);
            if (value != 0.0) {
                hash = 31 * hash + vector.activeIndex(k);
                hash = 31 * hash + Double.hashCode(value);
            }
        }
        return hash;
    }
}
