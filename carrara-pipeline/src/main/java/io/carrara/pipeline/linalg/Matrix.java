package io.carrara.pipeline.linalg;

import static java.util.Objects.requireNonNull;

/**
 * A matrix as Spark's {@code MatrixUDT} stores it: dense values column-major (row-major when
 * transposed), or sparse compressed columns (compressed rows when transposed).
 * {@link #multiplyAdd(Vector, double[])} is the only arithmetic scoring needs.
 */
public final class Matrix {
    private final int numRows;
    private final int numCols;
    private final boolean transposed;
    private final double[] values;
    private final int[] pointers;
    private final int[] innerIndices;

    private Matrix(int numRows, int numCols, boolean transposed, double[] values, int[] pointers, int[] innerIndices) {
        this.numRows = numRows;
        this.numCols = numCols;
        this.transposed = transposed;
        this.values = requireNonNull(values, "values is null");
        this.pointers = pointers;
        this.innerIndices = innerIndices;
    }

    public static Matrix dense(int numRows, int numCols, double[] values, boolean transposed) {
        if (numRows < 0 || numCols < 0 || (long) numRows * numCols != values.length) {
            throw new IllegalArgumentException("a " + numRows + "x" + numCols + " matrix needs " + (long) numRows * numCols
                    + " values, got " + values.length);
        }
        return new Matrix(numRows, numCols, transposed, values, null, null);
    }

    /** Compressed sparse columns ({@code transposed=false}) or rows ({@code transposed=true}). */
    public static Matrix sparse(int numRows, int numCols, int[] colPtrs, int[] rowIndices, double[] values, boolean transposed) {
        requireNonNull(colPtrs, "colPtrs is null");
        requireNonNull(rowIndices, "rowIndices is null");
        int outer = transposed ? numRows : numCols;
        int inner = transposed ? numCols : numRows;
        if (colPtrs.length != outer + 1 || rowIndices.length != values.length || colPtrs[outer] != values.length) {
            throw new IllegalArgumentException("inconsistent sparse " + numRows + "x" + numCols + " matrix");
        }
        for (int index : rowIndices) {
            if (index < 0 || index >= inner) {
                throw new IllegalArgumentException("sparse matrix index " + index + " out of range " + inner);
            }
        }
        return new Matrix(numRows, numCols, transposed, values, colPtrs, rowIndices);
    }

    public int numRows() {
        return numRows;
    }

    public int numCols() {
        return numCols;
    }

    public boolean isSparse() {
        return pointers != null;
    }

    public double get(int row, int col) {
        if (row < 0 || row >= numRows || col < 0 || col >= numCols) {
            throw new IndexOutOfBoundsException("(" + row + "," + col + ") outside " + numRows + "x" + numCols);
        }
        if (pointers == null) {
            return transposed ? values[row * numCols + col] : values[col * numRows + row];
        }
        int outer = transposed ? row : col;
        int inner = transposed ? col : row;
        for (int k = pointers[outer]; k < pointers[outer + 1]; k++) {
            if (innerIndices[k] == inner) {
                return values[k];
            }
        }
        return 0.0;
    }

    /** One row as a vector (sparse when the matrix is); used for binomial coefficients. */
    public Vector row(int row) {
        if (pointers != null && transposed) {
            int from = pointers[row];
            int to = pointers[row + 1];
            int[] indices = new int[to - from];
            double[] rowValues = new double[to - from];
            System.arraycopy(innerIndices, from, indices, 0, indices.length);
            System.arraycopy(values, from, rowValues, 0, rowValues.length);
            return new SparseVector(numCols, indices, rowValues);
        }
        double[] dense = new double[numCols];
        for (int col = 0; col < numCols; col++) {
            dense[col] = get(row, col);
        }
        return new DenseVector(dense);
    }

    /** {@code out += this * x}. */
    public void multiplyAdd(Vector x, double[] out) {
        if (x.size() != numCols || out.length != numRows) {
            throw new IllegalArgumentException("cannot multiply a " + numRows + "x" + numCols + " matrix by a vector of size "
                    + x.size() + " into " + out.length);
        }
        for (int row = 0; row < numRows; row++) {
            double sum = 0.0;
            for (int k = 0; k < x.activeCount(); k++) {
                double value = x.activeValue(k);
                if (value != 0.0) {
                    sum += get(row, x.activeIndex(k)) * value;
                }
            }
            out[row] += sum;
        }
    }
}
