package io.carrara.pipeline.clustering;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Matrix;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.List;
import java.util.Set;

/**
 * Spark's {@code GaussianMixtureModel}: probability of each component, {@code (eps + w_i pdf_i(x))}
 * normalized, and the prediction (an integer) its argmax. Each density uses, as Spark does, the
 * eigendecomposition of the covariance: the pseudo-determinant and root pseudo-inverse over the
 * eigenvalues above {@code eps * max * k}. The eigendecomposition here is Jacobi's, which agrees
 * with LAPACK's up to rounding and eigenvector signs, neither of which changes the density.
 */
public final class GaussianMixture implements Stage {
    private static final double EPSILON = Math.ulp(1.0);

    private final String description;
    private final String featuresColumn;
    private final String predictionColumn;
    private final String probabilityColumn;
    private final double[] weights;
    private final double[][] means;
    /** Per component: rows of D^(-1/2) U^T. */
    private final double[][][] rootSigmaInverse;
    private final double[] logConstants;

    private GaussianMixture(SavedStage saved, double[] weights, double[][] means, double[][][] covariances) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.probabilityColumn = saved.params().getString("probabilityCol");
        this.weights = weights;
        this.means = means;
        this.rootSigmaInverse = new double[weights.length][][];
        this.logConstants = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            int k = means[i].length;
            double[][] eigenvectors = new double[k][k];
            double[] eigenvalues = symmetricEigen(covariances[i], eigenvectors);
            double max = Double.NEGATIVE_INFINITY;
            for (double value : eigenvalues) {
                max = Math.max(max, value);
            }
            double tolerance = EPSILON * max * k;
            double logPseudoDeterminant = 0.0;
            double[][] root = new double[k][k];
            boolean any = false;
            for (int j = 0; j < k; j++) {
                double scale = 0.0;
                if (eigenvalues[j] > tolerance) {
                    logPseudoDeterminant += Math.log(eigenvalues[j]);
                    scale = Math.sqrt(1.0 / eigenvalues[j]);
                    any = true;
                }
                for (int c = 0; c < k; c++) {
                    root[j][c] = scale * eigenvectors[c][j];
                }
            }
            if (!any) {
                throw saved.params().invalid("covariance matrix " + i + " has no non-zero eigenvalues");
            }
            rootSigmaInverse[i] = root;
            logConstants[i] = -0.5 * (k * Math.log(2.0 * Math.PI) + logPseudoDeterminant);
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.clustering.GaussianMixtureModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            double[] weights = data.getDoubleArray("weights");
            List<?> mus = data.getList("mus");
            List<?> sigmas = data.getList("sigmas");
            if (mus.size() != weights.length || sigmas.size() != weights.length) {
                throw saved.params().invalid(weights.length + " weights but " + mus.size() + " means and " + sigmas.size() + " covariances");
            }
            double[][] means = new double[weights.length][];
            double[][][] covariances = new double[weights.length][][];
            for (int i = 0; i < weights.length; i++) {
                means[i] = vector((DataRecord) mus.get(i), saved).toArray();
                Matrix sigma = matrix((DataRecord) sigmas.get(i), saved);
                covariances[i] = new double[sigma.numRows()][sigma.numCols()];
                for (int r = 0; r < sigma.numRows(); r++) {
                    for (int c = 0; c < sigma.numCols(); c++) {
                        covariances[i][r][c] = sigma.get(r, c);
                    }
                }
            }
            return new GaussianMixture(saved, weights, means, covariances);
        }

        /** Lists of UDT structs come back as records; read them through a one-column record. */
        private static Vector vector(DataRecord struct, SavedStage saved) {
            return new DataRecord(java.util.Map.of("v", struct), saved.description()).getVector("v");
        }

        private static Matrix matrix(DataRecord struct, SavedStage saved) {
            return new DataRecord(java.util.Map.of("m", struct), saved.description()).getMatrix("m");
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int size = means[0].length;
        VectorInput input = VectorInput.bind(binder, featuresColumn, size);
        int probabilitySlot = probabilityColumn.isEmpty() ? -1 : binder.vectorOutput(probabilityColumn, weights.length).slot();
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.INTEGER).slot();
        return frame -> {
            Vector x = input.read(frame);
            double[] probabilities = probabilities(x.toArray());
            if (probabilitySlot >= 0) {
                frame.setObject(probabilitySlot, new DenseVector(probabilities));
            }
            if (predictionSlot >= 0) {
                int best = 0;
                for (int i = 1; i < probabilities.length; i++) {
                    if (probabilities[i] > probabilities[best]) {
                        best = i;
                    }
                }
                frame.setDouble(predictionSlot, best);
            }
            return true;
        };
    }

    private double[] probabilities(double[] x) {
        double[] probabilities = new double[weights.length];
        double sum = 0.0;
        for (int i = 0; i < weights.length; i++) {
            double[][] root = rootSigmaInverse[i];
            double squared = 0.0;
            for (double[] row : root) {
                double projected = 0.0;
                for (int c = 0; c < x.length; c++) {
                    projected += row[c] * (x[c] - means[i][c]);
                }
                squared += projected * projected;
            }
            probabilities[i] = EPSILON + weights[i] * Math.exp(logConstants[i] - 0.5 * squared);
            sum += probabilities[i];
        }
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] /= sum;
        }
        return probabilities;
    }

    /** Cyclic Jacobi: eigenvalues returned, eigenvectors in the columns of {@code vectors}. */
    static double[] symmetricEigen(double[][] matrix, double[][] vectors) {
        int n = matrix.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = matrix[i].clone();
            java.util.Arrays.fill(vectors[i], 0.0);
            vectors[i][i] = 1.0;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0.0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-300) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0.0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0.0) {
                        t = 1.0;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = vectors[k][p];
                        double vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - s * vkq;
                        vectors[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return values;
    }
}
