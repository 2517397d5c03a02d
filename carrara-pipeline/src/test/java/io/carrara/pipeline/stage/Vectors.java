package io.carrara.pipeline.stage;

import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;

/** Short spellings of vectors for stage behaviour tests. */
public final class Vectors {
    private Vectors() {
    }

    public static Vector dense(double... values) {
        return new DenseVector(values);
    }

    public static Vector sparse(int size, int[] indices, double[] values) {
        return new SparseVector(size, indices, values);
    }
}
