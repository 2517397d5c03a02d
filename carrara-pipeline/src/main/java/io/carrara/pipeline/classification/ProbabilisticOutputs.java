package io.carrara.pipeline.classification;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.StageBinder;

/**
 * The output columns of Spark's {@code ProbabilisticClassificationModel.transform}, shared by the
 * classifiers: {@code rawPredictionCol}, {@code probabilityCol}, {@code predictionCol} (each unless
 * ""), the prediction taken from the raw scores when that column exists, else from the
 * probabilities, else from the model's own {@code predict}; {@code thresholds} turn argmax into
 * argmax of p/t.
 */
final class ProbabilisticOutputs {
    /** What a classifier computes; the rest of the flow is Spark's and lives here. */
    interface Model {
        double[] raw(Vector features);

        /** Turns raw scores into probabilities in place; throws a {@link RowException} where Spark would fail. */
        void probabilityInPlace(double[] raw);

        /** The prediction when neither raw nor probability columns are produced. */
        double predict(Vector features);
    }

    private final String featuresColumn;
    private final String rawPredictionColumn;
    private final String probabilityColumn;
    private final String predictionColumn;
    private final int numClasses;
    private final double[] thresholds;

    ProbabilisticOutputs(Params params, int numClasses) {
        this.featuresColumn = params.getString("featuresCol");
        this.rawPredictionColumn = params.getString("rawPredictionCol");
        this.probabilityColumn = params.getString("probabilityCol");
        this.predictionColumn = params.getString("predictionCol");
        this.numClasses = numClasses;
        this.thresholds = params.isDefined("thresholds") ? params.getDoubleArray("thresholds") : null;
        if (thresholds != null && thresholds.length != numClasses) {
            throw params.invalid("thresholds has " + thresholds.length + " values for " + numClasses + " classes");
        }
    }

    boolean hasThresholds() {
        return thresholds != null;
    }

    String featuresColumn() {
        return featuresColumn;
    }

    /** Binds the columns; {@code minimumSize} is the feature count below which a row is refused. */
    RowOperation compile(StageBinder binder, Model model, int minimumSize) {
        int featuresSlot = binder.input(featuresColumn, DataType.VECTOR).slot();
        int rawSlot = rawPredictionColumn.isEmpty() ? -1 : binder.vectorOutput(rawPredictionColumn, numClasses).slot();
        int probabilitySlot = probabilityColumn.isEmpty() ? -1 : binder.vectorOutput(probabilityColumn, numClasses).slot();
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.DOUBLE).slot();
        return frame -> {
            Vector features = features(frame.isNull(featuresSlot) ? null : frame.getVector(featuresSlot), minimumSize);
            double[] raw = rawSlot >= 0 || probabilitySlot >= 0 ? model.raw(features) : null;
            double[] probability = null;
            if (probabilitySlot >= 0) {
                probability = raw.clone();
                model.probabilityInPlace(probability);
            }
            if (rawSlot >= 0) {
                frame.setObject(rawSlot, new DenseVector(raw));
            }
            if (probabilitySlot >= 0) {
                frame.setObject(probabilitySlot, new DenseVector(probability));
            }
            if (predictionSlot >= 0) {
                double prediction;
                if (rawSlot >= 0) {
                    prediction = thresholds == null ? argmax(raw) : fromProbability(probability(model, raw));
                } else if (probabilitySlot >= 0) {
                    prediction = thresholds == null ? argmax(probability) : fromProbability(probability);
                } else {
                    prediction = model.predict(features);
                }
                frame.setDouble(predictionSlot, prediction);
            }
            return true;
        };
    }

    Vector features(Vector features, int minimumSize) {
        if (features == null) {
            throw new RowException(featuresColumn, "null in column " + featuresColumn + "; the model needs a feature vector");
        }
        if (features.size() < minimumSize) {
            throw new RowException(featuresColumn, "column " + featuresColumn + " holds a vector of size " + features.size()
                    + "; the model reads features up to index " + (minimumSize - 1));
        }
        return features;
    }

    private static double[] probability(Model model, double[] raw) {
        double[] probability = raw.clone();
        model.probabilityInPlace(probability);
        return probability;
    }

    /** Spark's {@code probability2prediction} with thresholds: the largest p/t, the first on ties. */
    double fromProbability(double[] probability) {
        int best = 0;
        double bestScaled = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < probability.length; k++) {
            double scaled = probability[k] / thresholds[k];
            if (scaled > bestScaled) {
                bestScaled = scaled;
                best = k;
            }
        }
        return best;
    }

    /** Spark's {@code raw2prediction}: argmax, or argmax of p/t with thresholds. */
    double fromRaw(Model model, double[] raw) {
        return thresholds == null ? argmax(raw) : fromProbability(probability(model, raw));
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Spark's {@code Utils.softmax}: an infinite score takes all the mass; otherwise shift by the maximum and scale by 1/sum. */
    static void softmaxInPlace(double[] values) {
        double max = -Double.MAX_VALUE;
        for (double value : values) {
            if (value == Double.POSITIVE_INFINITY) {
                for (int k = 0; k < values.length; k++) {
                    values[k] = value == values[k] ? 1.0 : 0.0;
                }
                return;
            }
            max = Math.max(max, value);
        }
        double sum = 0.0;
        for (int k = 0; k < values.length; k++) {
            values[k] = Math.exp(values[k] - max);
            sum += values[k];
        }
        double inverse = 1.0 / sum;
        for (int k = 0; k < values.length; k++) {
            values[k] *= inverse;
        }
    }

    /** Spark's {@code normalizeToProbabilitiesInPlace}, which refuses negative or all-zero scores. */
    static void normalizeInPlace(double[] values, String featuresColumn) {
        double sum = 0.0;
        for (double value : values) {
            if (value < 0) {
                throw new RowException(featuresColumn, "the model's raw predictions are negative for this row; Spark refuses it too");
            }
            sum += value;
        }
        if (!(sum > 0)) {
            throw new RowException(featuresColumn, "the model's raw predictions are all zero for this row; Spark refuses it too");
        }
        for (int k = 0; k < values.length; k++) {
            values[k] /= sum;
        }
    }
}
