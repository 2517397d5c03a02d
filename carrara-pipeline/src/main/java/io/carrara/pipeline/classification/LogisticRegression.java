package io.carrara.pipeline.classification;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.Params;
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
import java.util.Set;

/**
 * Spark's {@code LogisticRegressionModel}, binomial and multinomial. Adds {@code rawPredictionCol},
 * {@code probabilityCol} and {@code predictionCol} (each unless set to ""), in that order, and picks
 * the prediction the way Spark does: from the raw margins when that column exists, else from the
 * probabilities, else from the features; binomial models compare against {@code threshold}
 * (or the one {@code thresholds} imply), multinomial ones take the argmax, of p/t with {@code thresholds}.
 */
public final class LogisticRegression implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String rawPredictionColumn;
    private final String probabilityColumn;
    private final String predictionColumn;
    private final int numClasses;
    private final int numFeatures;
    private final boolean multinomial;
    /** One dense row of coefficients per margin: one row for binomial models, numClasses for multinomial. */
    private final double[][] coefficients;
    private final double[] intercepts;
    private final double threshold;
    private final double rawThreshold;
    private final double[] thresholds;

    private LogisticRegression(SavedStage saved, Matrix coefficientMatrix, Vector interceptVector, int numClasses, boolean multinomial) {
        Params params = saved.params();
        this.description = saved.description();
        this.featuresColumn = params.getString("featuresCol");
        this.rawPredictionColumn = params.getString("rawPredictionCol");
        this.probabilityColumn = params.getString("probabilityCol");
        this.predictionColumn = params.getString("predictionCol");
        this.numClasses = numClasses;
        this.numFeatures = coefficientMatrix.numCols();
        this.multinomial = multinomial;
        this.coefficients = new double[coefficientMatrix.numRows()][];
        for (int row = 0; row < coefficients.length; row++) {
            coefficients[row] = coefficientMatrix.row(row).toArray();
        }
        this.intercepts = interceptVector.toArray();
        this.thresholds = params.isDefined("thresholds") ? params.getDoubleArray("thresholds") : null;
        if (thresholds != null && thresholds.length != numClasses) {
            throw params.invalid("thresholds has " + thresholds.length + " values for " + numClasses + " classes");
        }
        if (!multinomial && (params.isSet("threshold") || params.isSet("thresholds"))) {
            this.threshold = thresholds != null ? 1.0 / (1.0 + thresholds[0] / thresholds[1]) : params.getDouble("threshold");
            this.rawThreshold = threshold == 0.0 ? Double.NEGATIVE_INFINITY
                    : threshold == 1.0 ? Double.POSITIVE_INFINITY
                    : Math.log(threshold / (1.0 - threshold));
        } else {
            // Spark's initial binary thresholds, used until threshold or thresholds is set.
            this.threshold = 0.5;
            this.rawThreshold = 0.0;
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.classification.LogisticRegressionModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            int numClasses = data.getInt("numClasses");
            boolean multinomial = data.getBoolean("isMultinomial");
            Matrix coefficientMatrix = data.getMatrix("coefficientMatrix");
            Vector interceptVector = data.getVector("interceptVector");
            int margins = multinomial ? numClasses : 1;
            if (coefficientMatrix.numRows() != margins || interceptVector.size() != margins) {
                throw saved.params().invalid("a " + (multinomial ? "multinomial" : "binomial") + " model with " + numClasses
                        + " classes has " + coefficientMatrix.numRows() + " coefficient rows and " + interceptVector.size() + " intercepts");
            }
            if (data.has("numFeatures") && data.getInt("numFeatures") != coefficientMatrix.numCols()) {
                throw saved.params().invalid("numFeatures is " + data.getInt("numFeatures") + " but the coefficients have "
                        + coefficientMatrix.numCols() + " columns");
            }
            return new LogisticRegression(saved, coefficientMatrix, interceptVector, numClasses, multinomial);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        VectorInput features = VectorInput.bind(binder, featuresColumn, numFeatures);
        int rawSlot = rawPredictionColumn.isEmpty() ? -1 : binder.vectorOutput(rawPredictionColumn, numClasses).slot();
        int probabilitySlot = probabilityColumn.isEmpty() ? -1 : binder.vectorOutput(probabilityColumn, numClasses).slot();
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.DOUBLE).slot();
        return frame -> {
            double[] raw = rawMargins(features.read(frame));
            double[] probability = rawSlot >= 0 || probabilitySlot >= 0 ? probabilities(raw) : null;
            if (rawSlot >= 0) {
                frame.setObject(rawSlot, new DenseVector(raw));
            }
            if (probabilitySlot >= 0) {
                frame.setObject(probabilitySlot, new DenseVector(probability));
            }
            if (predictionSlot >= 0) {
                frame.setDouble(predictionSlot, prediction(raw, probability, rawSlot >= 0, probabilitySlot >= 0));
            }
            return true;
        };
    }

    private double[] rawMargins(Vector x) {
        if (!multinomial) {
            double margin = x.dot(coefficients[0]) + intercepts[0];
            return new double[] {-margin, margin};
        }
        double[] margins = new double[numClasses];
        for (int k = 0; k < numClasses; k++) {
            margins[k] = intercepts[k] + x.dot(coefficients[k]);
        }
        return margins;
    }

    private double[] probabilities(double[] raw) {
        double[] probability = new double[raw.length];
        if (!multinomial) {
            probability[0] = 1.0 / (1.0 + Math.exp(-raw[0]));
            probability[1] = 1.0 - probability[0];
            return probability;
        }
        // Spark's softmax: an infinite margin takes all the mass; otherwise shift by the maximum.
        double max = -Double.MAX_VALUE;
        for (int k = 0; k < raw.length; k++) {
            if (raw[k] == Double.POSITIVE_INFINITY) {
                probability[k] = 1.0;
                return probability;
            }
            max = Math.max(max, raw[k]);
        }
        double sum = 0.0;
        for (int k = 0; k < raw.length; k++) {
            probability[k] = Math.exp(raw[k] - max);
            sum += probability[k];
        }
        double inverse = 1.0 / sum;
        for (int k = 0; k < raw.length; k++) {
            probability[k] *= inverse;
        }
        return probability;
    }

    private double prediction(double[] raw, double[] probability, boolean fromRaw, boolean fromProbability) {
        if (!multinomial) {
            if (fromRaw) {
                return raw[1] > rawThreshold ? 1.0 : 0.0;
            }
            if (fromProbability) {
                return probability[1] > threshold ? 1.0 : 0.0;
            }
            return 1.0 / (1.0 + Math.exp(-raw[1])) > threshold ? 1.0 : 0.0;
        }
        if (thresholds == null) {
            return argmax(fromRaw || !fromProbability ? raw : probability);
        }
        double[] p = probability != null ? probability : probabilities(raw);
        int best = 0;
        double bestScaled = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < p.length; k++) {
            double scaled = p[k] / thresholds[k];
            if (scaled > bestScaled) {
                bestScaled = scaled;
                best = k;
            }
        }
        return best;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}
