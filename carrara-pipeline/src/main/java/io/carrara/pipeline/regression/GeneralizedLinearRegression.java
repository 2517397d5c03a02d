package io.carrara.pipeline.regression;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.NormalDistribution;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * Spark's {@code GeneralizedLinearRegressionModel}: the linear predictor
 * {@code eta = w.x + b + offset} ({@code linkPredictionCol}) and the prediction
 * {@code project(unlink(eta))}, for the gaussian, binomial, poisson, gamma and tweedie families and
 * the identity, log, logit, inverse, sqrt, cloglog, probit and power links. A null offset gives null
 * outputs.
 */
public final class GeneralizedLinearRegression implements Stage {
    private static final double EPSILON = 1E-16;

    private final String description;
    private final String featuresColumn;
    private final String predictionColumn;
    private final String linkPredictionColumn;
    private final String offsetColumn;
    private final double[] coefficients;
    private final double intercept;
    private final DoubleUnaryOperator unlink;
    private final DoubleUnaryOperator project;

    private GeneralizedLinearRegression(SavedStage saved, Vector coefficients, double intercept) {
        Params params = saved.params();
        this.description = saved.description();
        this.featuresColumn = params.getString("featuresCol");
        this.predictionColumn = params.getString("predictionCol");
        this.linkPredictionColumn = params.findString("linkPredictionCol").orElse("");
        this.offsetColumn = params.findString("offsetCol").orElse("");
        this.coefficients = coefficients.toArray();
        this.intercept = intercept;
        String family = params.getString("family").toLowerCase(Locale.ROOT);
        double variancePower = family.equals("tweedie") ? params.getDouble("variancePower") : Double.NaN;
        String effectiveFamily = switch (family) {
            case "gaussian", "binomial", "poisson", "gamma" -> family;
            case "tweedie" -> variancePower == 0.0 ? "gaussian" : variancePower == 1.0 ? "poisson" : variancePower == 2.0 ? "gamma" : "tweedie";
            default -> throw params.invalid("family is '" + family + "'");
        };
        this.project = switch (effectiveFamily) {
            case "gaussian" -> mu -> mu == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE : mu == Double.POSITIVE_INFINITY ? Double.MAX_VALUE : mu;
            case "binomial" -> mu -> mu < EPSILON ? EPSILON : mu > 1.0 - EPSILON ? 1.0 - EPSILON : mu;
            default -> mu -> mu < EPSILON ? EPSILON : Double.isInfinite(mu) ? Double.MAX_VALUE : mu;
        };
        this.unlink = link(params, family, effectiveFamily, variancePower);
    }

    /** Spark uses the set link (linkPower for tweedie) and otherwise the family's default link. */
    private static DoubleUnaryOperator link(Params params, String family, String effectiveFamily, double variancePower) {
        if (family.equals("tweedie")) {
            double power = params.isSet("linkPower") ? params.getDouble("linkPower") : switch (effectiveFamily) {
                case "gaussian" -> 1.0;
                case "poisson" -> 0.0;
                case "gamma" -> -1.0;
                default -> 1.0 - variancePower;
            };
            return power(power);
        }
        String link = params.isSet("link") ? params.getString("link").toLowerCase(Locale.ROOT) : switch (effectiveFamily) {
            case "gaussian" -> "identity";
            case "binomial" -> "logit";
            case "poisson" -> "log";
            default -> "inverse";
        };
        return switch (link) {
            case "identity" -> eta -> eta;
            case "log" -> Math::exp;
            case "logit" -> eta -> 1.0 / (1.0 + Math.exp(-1.0 * eta));
            case "inverse" -> eta -> 1.0 / eta;
            case "sqrt" -> eta -> eta * eta;
            case "cloglog" -> eta -> 1.0 - Math.exp(-1.0 * Math.exp(eta));
            case "probit" -> NormalDistribution::cdf;
            default -> throw params.invalid("link is '" + link + "'");
        };
    }

    private static DoubleUnaryOperator power(double power) {
        if (power == 0.0) {
            return Math::exp;
        }
        if (power == 1.0) {
            return eta -> eta;
        }
        if (power == -1.0) {
            return eta -> 1.0 / eta;
        }
        if (power == 0.5) {
            return eta -> eta * eta;
        }
        return eta -> Math.pow(eta, 1.0 / power);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.regression.GeneralizedLinearRegressionModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            return new GeneralizedLinearRegression(saved, data.getVector("coefficients"), data.getDouble("intercept"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        VectorInput features = VectorInput.bind(binder, featuresColumn, coefficients.length);
        int offsetSlot = offsetColumn.isEmpty() ? -1 : binder.numericInput(offsetColumn).slot();
        int linkSlot = linkPredictionColumn.isEmpty() ? -1 : binder.output(linkPredictionColumn, DataType.DOUBLE).slot();
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.DOUBLE).slot();
        return frame -> {
            if (offsetSlot >= 0 && frame.isNull(offsetSlot)) {
                if (linkSlot >= 0) {
                    frame.setNull(linkSlot);
                }
                if (predictionSlot >= 0) {
                    frame.setNull(predictionSlot);
                }
                return true;
            }
            double eta = features.read(frame).dot(coefficients) + intercept + (offsetSlot >= 0 ? frame.getDouble(offsetSlot) : 0.0);
            if (linkSlot >= 0) {
                frame.setDouble(linkSlot, eta);
            }
            if (predictionSlot >= 0) {
                frame.setDouble(predictionSlot, project.applyAsDouble(unlink.applyAsDouble(eta)));
            }
            return true;
        };
    }
}
