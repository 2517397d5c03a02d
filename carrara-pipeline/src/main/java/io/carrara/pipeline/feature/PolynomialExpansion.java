package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Spark's {@code PolynomialExpansion}: every monomial of the features up to {@code degree},
 * without the constant 1, in Spark's order (built from the last feature backwards, powers of it
 * ascending). A sparse vector expands over its stored entries only and stays sparse.
 */
public final class PolynomialExpansion extends VectorMapping {
    private final int degree;

    private PolynomialExpansion(SavedStage saved) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.degree = saved.params().getInt("degree");
        if (degree < 1) {
            throw saved.params().invalid("degree is " + degree + "; Spark requires at least 1");
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.PolynomialExpansion");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new PolynomialExpansion(saved);
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        // Spark records no size for the expansion's output.
        return OptionalInt.empty();
    }

    @Override
    String stageName() {
        return "PolynomialExpansion";
    }

    @Override
    Vector map(Vector vector) {
        if (vector instanceof DenseVector) {
            double[] values = vector.toArray();
            double[] expanded = new double[polySize(values.length, degree) - 1];
            expandDense(values, values.length - 1, degree, 1.0, expanded, -1);
            return new DenseVector(expanded);
        }
        int count = vector.activeCount();
        int[] indices = new int[count];
        double[] values = new double[count];
        for (int k = 0; k < count; k++) {
            indices[k] = vector.activeIndex(k);
            values[k] = vector.activeValue(k);
        }
        Terms terms = new Terms(polySize(count, degree));
        expandSparse(indices, values, count - 1, vector.size() - 1, degree, 1.0, terms, -1);
        return new SparseVector(polySize(vector.size(), degree) - 1, Arrays.copyOf(terms.indices, terms.size),
                Arrays.copyOf(terms.values, terms.size));
    }

    /** C(numFeatures + degree, degree): the number of monomials up to the degree, the constant included. */
    static int polySize(int numFeatures, int degree) {
        long result = 1;
        for (int i = 1; i <= degree; i++) {
            result = result * (numFeatures + i) / i;
        }
        if (result > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the expansion of " + numFeatures + " features to degree " + degree + " is too large");
        }
        return (int) result;
    }

    private static int expandDense(double[] values, int lastIndex, int degree, double multiplier, double[] out, int position) {
        if (multiplier == 0.0) {
            // Spark skips zero terms; their slots stay 0.
        } else if (degree == 0 || lastIndex < 0) {
            if (position >= 0) {
                out[position] = multiplier;
            }
        } else {
            double value = values[lastIndex];
            double alpha = multiplier;
            int start = position;
            for (int i = 0; i <= degree && alpha != 0.0; i++) {
                start = expandDense(values, lastIndex - 1, degree - i, alpha, out, start);
                alpha *= value;
            }
        }
        return position + polySize(lastIndex + 1, degree);
    }

    private static int expandSparse(int[] indices, double[] values, int lastIndex, int lastFeature, int degree, double multiplier,
                                    Terms out, int position) {
        if (multiplier == 0.0) {
            // Spark skips zero terms.
        } else if (degree == 0 || lastIndex < 0) {
            if (position >= 0) {
                out.add(position, multiplier);
            }
        } else {
            double value = values[lastIndex];
            int nextFeature = indices[lastIndex] - 1;
            double alpha = multiplier;
            int start = position;
            for (int i = 0; i <= degree && alpha != 0.0; i++) {
                start = expandSparse(indices, values, lastIndex - 1, nextFeature, degree - i, alpha, out, start);
                alpha *= value;
            }
        }
        return position + polySize(lastFeature + 1, degree);
    }

    /** A growable list of sparse terms. */
    private static final class Terms {
        int[] indices;
        double[] values;
        int size;

        Terms(int capacity) {
            indices = new int[Math.max(1, capacity)];
            values = new double[indices.length];
        }

        void add(int index, double value) {
            if (size == indices.length) {
                indices = Arrays.copyOf(indices, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            indices[size] = index;
            values[size++] = value;
        }
    }
}
