package io.carrara.pipeline.classification;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Matrix;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Set;

/**
 * Spark's {@code NaiveBayesModel}, all four model types. Raw scores are log-probabilities:
 * multinomial {@code pi + theta.x}; complement {@code theta.x} minus its log-sum-exp; bernoulli
 * {@code pi + sum(log(1-e^theta)) + (theta - log(1-e^theta)).x}; gaussian
 * {@code pi - (sum((x-theta)^2/sigma) + sum(log sigma)) / 2}. Probability is their softmax.
 * Multinomial and complement refuse negative features, bernoulli anything but 0 and 1, as Spark does.
 */
public final class NaiveBayes implements Stage {
    private enum Type { MULTINOMIAL, COMPLEMENT, BERNOULLI, GAUSSIAN }

    private final String description;
    private final Type type;
    private final ProbabilisticOutputs outputs;
    private final int numClasses;
    private final int numFeatures;
    private final double[] pi;
    /** Per class, the row of theta (or theta - log(1-e^theta) for bernoulli). */
    private final double[][] weights;
    /** Per class: the bernoulli constant pi + sum(log(1-e^theta)), or gaussian's sum(log sigma). */
    private final double[] constants;
    private final double[][] theta;
    private final double[][] sigma;

    private NaiveBayes(SavedStage saved, Type type, Vector pi, Matrix thetaMatrix, Matrix sigmaMatrix) {
        this.description = saved.description();
        this.type = type;
        this.numClasses = pi.size();
        this.numFeatures = thetaMatrix.numCols();
        this.outputs = new ProbabilisticOutputs(saved.params(), numClasses);
        this.pi = pi.toArray();
        this.theta = rows(thetaMatrix);
        this.weights = new double[numClasses][numFeatures];
        this.constants = new double[numClasses];
        this.sigma = type == Type.GAUSSIAN ? rows(sigmaMatrix) : null;
        for (int c = 0; c < numClasses; c++) {
            for (int j = 0; j < numFeatures; j++) {
                double value = theta[c][j];
                if (type == Type.BERNOULLI) {
                    double negative = Math.log1p(-Math.exp(value));
                    weights[c][j] = value - negative;
                    constants[c] += negative;
                } else {
                    weights[c][j] = value;
                }
                if (type == Type.GAUSSIAN) {
                    constants[c] += Math.log(sigma[c][j]);
                }
            }
            if (type == Type.BERNOULLI) {
                constants[c] += this.pi[c];
            }
        }
    }

    private static double[][] rows(Matrix matrix) {
        double[][] rows = new double[matrix.numRows()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = matrix.row(r).toArray();
        }
        return rows;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.classification.NaiveBayesModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            String modelType = saved.params().getString("modelType");
            Type type = switch (modelType) {
                case "multinomial" -> Type.MULTINOMIAL;
                case "complement" -> Type.COMPLEMENT;
                case "bernoulli" -> Type.BERNOULLI;
                case "gaussian" -> Type.GAUSSIAN;
                default -> throw saved.params().invalid("modelType is '" + modelType + "'");
            };
            DataRecord data = saved.singleDataRecord();
            Vector pi = data.getVector("pi");
            Matrix theta = data.getMatrix("theta");
            Matrix sigma = type == Type.GAUSSIAN ? data.getMatrix("sigma") : null;
            if (theta.numRows() != pi.size() || (sigma != null && (sigma.numRows() != theta.numRows() || sigma.numCols() != theta.numCols()))) {
                throw saved.params().invalid("pi, theta and sigma disagree on the number of classes or features");
            }
            return new NaiveBayes(saved, type, pi, theta, sigma);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        String featuresColumn = outputs.featuresColumn();
        ProbabilisticOutputs.Model model = new ProbabilisticOutputs.Model() {
            @Override
            public double[] raw(Vector features) {
                return rawScores(features, featuresColumn);
            }

            @Override
            public void probabilityInPlace(double[] raw) {
                ProbabilisticOutputs.softmaxInPlace(raw);
            }

            @Override
            public double predict(Vector features) {
                return outputs.fromRaw(this, raw(features));
            }
        };
        return outputs.compile(binder, model, numFeatures);
    }

    private double[] rawScores(Vector x, String featuresColumn) {
        if (x.size() != numFeatures) {
            throw new RowException(featuresColumn, "column " + featuresColumn + " holds a vector of size " + x.size()
                    + "; the model expects " + numFeatures);
        }
        double[] raw = new double[numClasses];
        switch (type) {
            case GAUSSIAN -> {
                for (int c = 0; c < numClasses; c++) {
                    double s = 0.0;
                    for (int j = 0; j < numFeatures; j++) {
                        double d = x.get(j) - theta[c][j];
                        s += d * d / sigma[c][j];
                    }
                    raw[c] = pi[c] - (s + constants[c]) / 2;
                }
            }
            case BERNOULLI -> {
                for (int k = 0; k < x.activeCount(); k++) {
                    double value = x.activeValue(k);
                    if (value != 0.0 && value != 1.0) {
                        throw new RowException(featuresColumn, "column " + featuresColumn + " holds " + value
                                + "; bernoulli naive Bayes needs features of 0 or 1");
                    }
                }
                for (int c = 0; c < numClasses; c++) {
                    raw[c] = constants[c] + dot(weights[c], x);
                }
            }
            default -> {
                for (int k = 0; k < x.activeCount(); k++) {
                    if (x.activeValue(k) < 0.0) {
                        throw new RowException(featuresColumn, "column " + featuresColumn + " holds " + x.activeValue(k)
                                + "; naive Bayes needs nonnegative features");
                    }
                }
                for (int c = 0; c < numClasses; c++) {
                    raw[c] = (type == Type.MULTINOMIAL ? pi[c] : 0.0) + dot(weights[c], x);
                }
                if (type == Type.COMPLEMENT) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double value : raw) {
                        max = Math.max(max, value);
                    }
                    double sumExp = 0.0;
                    for (double value : raw) {
                        sumExp += Math.exp(value - max);
                    }
                    double logSumExp = Math.log(sumExp) + max;
                    for (int c = 0; c < numClasses; c++) {
                        raw[c] -= logSumExp;
                    }
                }
            }
        }
        return raw;
    }

    private static double dot(double[] weights, Vector x) {
        double sum = 0.0;
        for (int k = 0; k < x.activeCount(); k++) {
            sum += weights[x.activeIndex(k)] * x.activeValue(k);
        }
        return sum;
    }
}
