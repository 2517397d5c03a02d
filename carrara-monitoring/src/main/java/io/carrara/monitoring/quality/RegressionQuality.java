package io.carrara.monitoring.quality;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The quality of a regression model over one window of joined rows, computed as scikit-learn 1.9.1 computes
 * it (docs/monitoring.md, Quality metrics).
 * <pre>{@code
 * RegressionQuality quality = RegressionQuality.of(actual, predicted);
 * quality.metrics(); // {rmse=…, mae=…, mape=…, r2=…, rmsle=…}
 * }</pre>
 *
 * @param rows the number of rows
 * @param rmse {@code root_mean_squared_error}
 * @param mae {@code mean_absolute_error}
 * @param mape {@code mean_absolute_percentage_error}: the mean of {@code |actual − predicted| / max(|actual|, ε)}
 *     with ε the double's machine epsilon, so a zero target gives a very large but finite term
 * @param r2 {@code r2_score}: {@code 1 − SSres / SStot}; for a constant target 1.0 when every prediction is
 *     exact and 0.0 otherwise (scikit-learn's {@code force_finite=True}); empty for a single row, where
 *     scikit-learn returns NaN with a warning
 * @param rmsle {@code root_mean_squared_log_error}: the RMSE of {@code log1p} of both; empty when any
 *     actual or predicted value is ≤ −1, where scikit-learn 1.9.1 raises
 */
public record RegressionQuality(
        long rows,
        double rmse,
        double mae,
        double mape,
        OptionalDouble r2,
        OptionalDouble rmsle) {

    static final double EPSILON = Math.ulp(1.0);

    public RegressionQuality {
        requireNonNull(r2, "r2 is null");
        requireNonNull(rmsle, "rmsle is null");
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive: " + rows);
        }
    }

    /**
     * The metrics of the rows {@code (actual[i], predicted[i])}.
     *
     * @throws IllegalArgumentException for empty input, arrays of different lengths, or a value that is
     *     NaN or infinite, naming the first offending row
     */
    public static RegressionQuality of(double[] actual, double[] predicted) {
        requireNonNull(actual, "actual is null");
        requireNonNull(predicted, "predicted is null");
        int n = actual.length;
        Inputs.requireSameLength("actual", n, "predicted", predicted.length);
        Inputs.requireRows(n);
        Inputs.requireFinite("actual", actual);
        Inputs.requireFinite("predicted", predicted);

        CompensatedSum squared = new CompensatedSum();
        CompensatedSum absolute = new CompensatedSum();
        CompensatedSum percentage = new CompensatedSum();
        CompensatedSum squaredLog = new CompensatedSum();
        CompensatedSum actualSum = new CompensatedSum();
        boolean logDefined = true;
        boolean constant = true;
        for (int i = 0; i < n; i++) {
            double y = actual[i];
            double p = predicted[i];
            double error = y - p;
            squared.add(error * error);
            absolute.add(Math.abs(error));
            percentage.add(Math.abs(p - y) / Math.max(Math.abs(y), EPSILON));
            actualSum.add(y);
            constant &= y == actual[0];
            if (y <= -1.0 || p <= -1.0) {
                logDefined = false;
            } else if (logDefined) {
                double logError = Math.log1p(y) - Math.log1p(p);
                squaredLog.add(logError * logError);
            }
        }
        return new RegressionQuality(
                n,
                Math.sqrt(squared.value() / n),
                absolute.value() / n,
                percentage.value() / n,
                r2(actual, squared.value(), actualSum.value() / n, constant),
                logDefined ? OptionalDouble.of(Math.sqrt(squaredLog.value() / n)) : OptionalDouble.empty());
    }

    /**
     * The metrics by their registry names ({@code rmse, mae, mape, r2, rmsle}), in that order; {@code r2}
     * and {@code rmsle} are left out when undefined. No value is NaN.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rmse", rmse);
        metrics.put("mae", mae);
        metrics.put("mape", mape);
        r2.ifPresent(value -> metrics.put("r2", value));
        rmsle.ifPresent(value -> metrics.put("rmsle", value));
        return Collections.unmodifiableMap(metrics);
    }

    /**
     * scikit-learn decides "constant target" by {@code SStot == 0} computed in floating point, where the mean
     * of n equal values can round away from them (ten times 0.1) and leave a tiny SStot that sends r2 to a
     * huge negative number. A target whose values are all equal is constant here whatever the rounding;
     * where the rounding does not bite, as for most constants, this is scikit-learn's value.
     */
    private static OptionalDouble r2(double[] actual, double residualSquares, double mean, boolean constant) {
        if (actual.length < 2) {
            return OptionalDouble.empty();
        }
        if (residualSquares == 0.0) {
            return OptionalDouble.of(1.0);
        }
        if (constant) {
            return OptionalDouble.of(0.0);
        }
        CompensatedSum totalSquares = new CompensatedSum();
        for (double y : actual) {
            double deviation = y - mean;
            totalSquares.add(deviation * deviation);
        }
        return OptionalDouble.of(1.0 - residualSquares / totalSquares.value());
    }
}
