package io.carrara.pipeline.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LinearAlgebraTest {
    @Test
    void sparseAndDenseVectorsWithTheSameValuesAreEqual() {
        Vector sparse = new SparseVector(4, new int[] {1, 3}, new double[] {2.0, -1.0});
        Vector dense = new DenseVector(new double[] {0.0, 2.0, 0.0, -1.0});

        assertThat(sparse).isEqualTo(dense).hasSameHashCodeAs(dense);
        assertThat(sparse.get(3)).isEqualTo(-1.0);
        assertThat(sparse.dot(dense)).isEqualTo(5.0);
        assertThat(sparse.numNonZeros()).isEqualTo(2);
    }

    @Test
    void sparseVectorsCheckTheirIndices() {
        assertThatThrownBy(() -> new SparseVector(3, new int[] {2, 1}, new double[] {1, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SparseVector(3, new int[] {3}, new double[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void denseMatricesAreColumnMajorUnlessTransposed() {
        Matrix columnMajor = Matrix.dense(2, 3, new double[] {1, 4, 2, 5, 3, 6}, false);
        Matrix rowMajor = Matrix.dense(2, 3, new double[] {1, 2, 3, 4, 5, 6}, true);

        assertThat(columnMajor.get(1, 2)).isEqualTo(6.0);
        assertThat(rowMajor.get(1, 2)).isEqualTo(6.0);
        assertThat(rowMajor.row(1)).isEqualTo(new DenseVector(new double[] {4, 5, 6}));
    }

    @Test
    void sparseMatricesAreCompressedColumnsUnlessTransposed() {
        // [[1, 0, 2], [0, 3, 0]]
        Matrix columns = Matrix.sparse(2, 3, new int[] {0, 1, 2, 3}, new int[] {0, 1, 0}, new double[] {1, 3, 2}, false);
        Matrix rows = Matrix.sparse(2, 3, new int[] {0, 2, 3}, new int[] {0, 2, 1}, new double[] {1, 2, 3}, true);

        for (Matrix matrix : new Matrix[] {columns, rows}) {
            assertThat(matrix.get(0, 2)).isEqualTo(2.0);
            assertThat(matrix.get(1, 1)).isEqualTo(3.0);
            assertThat(matrix.get(1, 0)).isEqualTo(0.0);
            double[] out = {10, 20};
            matrix.multiplyAdd(new DenseVector(new double[] {1, 1, 1}), out);
            assertThat(out).containsExactly(13, 23);
        }
        assertThat(rows.row(0)).isInstanceOf(SparseVector.class).isEqualTo(new DenseVector(new double[] {1, 0, 2}));
    }
}
