package io.carrara.pipeline.linalg;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** A vector holding every value; {@code new DenseVector(new double[] {1.0, 0.0, 3.5})}. */
public final class DenseVector implements Vector {
    private final double[] values;

    /** Takes ownership of {@code values}: scoring builds one array per row and must not copy it again. */
    public DenseVector(double[] values) {
        this.values = requireNonNull(values, "values is null");
    }

    public static DenseVector copyOf(double[] values) {
        return new DenseVector(values.clone());
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public double get(int index) {
        return values[index];
    }

    @Override
    public int activeCount() {
        return values.length;
    }

    @Override
    public int activeIndex(int position) {
        return position;
    }

    @Override
    public double activeValue(int position) {
        return values[position];
    }

    @Override
    public double[] toArray() {
        return values.clone();
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
        return Arrays.toString(values);
    }
}
