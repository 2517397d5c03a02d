package io.carrara.monitoring.quality;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The quality of a binary classifier over one window of joined rows, computed as scikit-learn 1.9.1 computes
 * it (docs/monitoring.md, Quality metrics). {@code auc} is empty when only one class is present (scikit-learn
 * returns NaN with a warning there); every other metric is always defined.
 * <pre>{@code
 * BinaryClassificationQuality quality = BinaryClassificationQuality.of(labels, scores, null);
 * quality.metrics().forEach((name, value) -> registry.recordProductionMetric(instance, name, value));
 * }</pre>
 *
 * @param rows the number of rows
 * @param accuracy {@code accuracy_score}: the share of rows whose predicted class is the label
 * @param precision {@code precision_score}: true positives over predicted positives, 0.0 when nothing is
 *     predicted positive (scikit-learn's {@code zero_division="warn"} value)
 * @param recall {@code recall_score}: true positives over actual positives, 0.0 when no label is positive
 * @param f1 {@code f1_score}: {@code 2·tp / (2·tp + fp + fn)}, 0.0 when that denominator is 0
 * @param auc {@code roc_auc_score} with tied scores counted as half (the trapezoidal ROC area); empty
 *     when the labels hold one class
 * @param logLoss {@code log_loss(labels, scores, labels=[0, 1])}: scores clipped to {@code [ε, 1−ε]} with
 *     ε the double's machine epsilon (2⁻⁵²), as scikit-learn has done since 1.5
 * @param brier {@code brier_score_loss}: the mean of {@code (label − score)²}
 * @param positiveRate the share of rows predicted positive
 */
public record BinaryClassificationQuality(
        long rows,
        double accuracy,
        double precision,
        double recall,
        double f1,
        OptionalDouble auc,
        double logLoss,
        double brier,
        double positiveRate) {

    /** The machine epsilon of a double, scikit-learn's {@code np.finfo(np.float64).eps}. */
    static final double EPSILON = Math.ulp(1.0);

    /** The threshold that turns a score into a predicted class when none is given: {@code score >= 0.5}. */
    public static final double THRESHOLD = 0.5;

    public BinaryClassificationQuality {
        requireNonNull(auc, "auc is null");
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive: " + rows);
        }
    }

    /**
     * The metrics of {@code rows} rows: {@code labels[i]} (0 or 1) observed, {@code scores[i]} the predicted
     * probability of class 1, {@code predicted[i]} the predicted class (0 or 1), or {@code predicted} null to
     * predict {@code score >= 0.5}.
     *
     * @throws IllegalArgumentException for empty input, arrays of different lengths, a label or predicted
     *     class other than 0 or 1, or a score outside [0, 1] or NaN, naming the first offending row
     */
    public static BinaryClassificationQuality of(int[] labels, double[] scores, int[] predicted) {
        requireNonNull(labels, "labels is null");
        requireNonNull(scores, "scores is null");
        int n = labels.length;
        Inputs.requireSameLength("labels", n, "scores", scores.length);
        if (predicted != null) {
            Inputs.requireSameLength("labels", n, "predicted", predicted.length);
        }
        Inputs.requireRows(n);
        requireBinary("labels", labels);
        if (predicted != null) {
            requireBinary("predicted", predicted);
        }
        for (int i = 0; i < n; i++) {
            double score = scores[i];
            if (!(score >= 0.0 && score <= 1.0)) {
                throw new IllegalArgumentException("scores[" + i + "] is " + score
                        + "; a score is the probability of class 1, in [0, 1]");
            }
        }

        long truePositives = 0;
        long falsePositives = 0;
        long falseNegatives = 0;
        long correct = 0;
        long positives = 0;
        CompensatedSum logLoss = new CompensatedSum();
        CompensatedSum brier = new CompensatedSum();
        for (int i = 0; i < n; i++) {
            int label = labels[i];
            double score = scores[i];
            int guess = predicted != null ? predicted[i] : (score >= THRESHOLD ? 1 : 0);
            if (guess == label) {
                correct++;
            }
            if (label == 1) {
                positives++;
                if (guess == 1) {
                    truePositives++;
                } else {
                    falseNegatives++;
                }
            } else if (guess == 1) {
                falsePositives++;
            }
            logLoss.add(-Math.log(label == 1 ? clip(score) : clip(1.0 - score)));
            double error = label - score;
            brier.add(error * error);
        }
        long predictedPositives = truePositives + falsePositives;
        return new BinaryClassificationQuality(
                n,
                (double) correct / n,
                divide(truePositives, predictedPositives),
                divide(truePositives, positives),
                divide(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives),
                auc(labels, scores, positives),
                logLoss.value() / n,
                brier.value() / n,
                (double) predictedPositives / n);
    }

    /**
     * The metrics by their registry names ({@code accuracy, precision, recall, f1, auc, log_loss, brier,
     * positive_rate}), in that order; {@code auc} is left out when it is undefined. No value is NaN.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", accuracy);
        metrics.put("precision", precision);
        metrics.put("recall", recall);
        metrics.put("f1", f1);
        auc.ifPresent(value -> metrics.put("auc", value));
        metrics.put("log_loss", logLoss);
        metrics.put("brier", brier);
        metrics.put("positive_rate", positiveRate);
        return Collections.unmodifiableMap(metrics);
    }

    private static double clip(double probability) {
        return Math.min(Math.max(probability, EPSILON), 1.0 - EPSILON);
    }

    /** scikit-learn's {@code _prf_divide} with {@code zero_division="warn"}: 0.0 where the denominator is 0. */
    private static double divide(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    /**
     * The Mann–Whitney form of the trapezoidal ROC area scikit-learn computes: for each positive, the
     * negatives scored below it plus half those scored equal, over positives × negatives. Counted in longs
     * (twice the area, exactly) after one sort, so ties cost nothing in accuracy.
     */
    private static OptionalDouble auc(int[] labels, double[] scores, long positives) {
        int n = labels.length;
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return OptionalDouble.empty();
        }
        double[] sorted = new double[n];
        Integer[] indices = new Integer[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = scores[i] == 0.0 ? 0.0 : scores[i]; // -0.0 and 0.0 are one score
            indices[i] = i;
        }
        Arrays.sort(indices, (a, b) -> Double.compare(sorted[a], sorted[b]));
        long twiceArea = 0;
        long negativesBelow = 0;
        int start = 0;
        while (start < n) {
            int end = start;
            long groupPositives = 0;
            long groupNegatives = 0;
            double score = sorted[indices[start]];
            while (end < n && sorted[indices[end]] == score) {
                if (labels[indices[end]] == 1) {
                    groupPositives++;
                } else {
                    groupNegatives++;
                }
                end++;
            }
            twiceArea += groupPositives * (2 * negativesBelow + groupNegatives);
            negativesBelow += groupNegatives;
            start = end;
        }
        return OptionalDouble.of(twiceArea / (2.0 * positives * negatives));
    }

    private static void requireBinary(String name, int[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0 && values[i] != 1) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + values[i]
                        + "; a binary classifier's classes are 0 and 1");
            }
        }
    }
}
