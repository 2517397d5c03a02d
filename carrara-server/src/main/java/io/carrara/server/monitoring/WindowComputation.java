package io.carrara.server.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.monitoring.drift.Drift;
import io.carrara.monitoring.drift.DriftBand;
import io.carrara.monitoring.drift.DriftReport;
import io.carrara.monitoring.drift.DriftResult;
import io.carrara.monitoring.drift.Profile;
import io.carrara.monitoring.drift.ProfileBuilder;
import io.carrara.monitoring.quality.BinaryClassificationQuality;
import io.carrara.monitoring.quality.RegressionQuality;
import io.carrara.registry.monitoring.MonitoringTask;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One window's metrics from its rows, wherever the rows come from (the registry database, or a Spark job over an exported
 * prediction log): quality from joined predictions and outcomes, drift from logged inputs against a reference profile.
 * Add rows, then read {@link #quality()} and {@link #drift()}.
 */
final class WindowComputation {
    /** Metrics by name, the drift metrics' bands, and the rows they were computed from (0: nothing to record). */
    record Result(Map<String, Double> metrics, Map<String, String> bands, int rows, int skipped) {}

    private final MonitoringTask task;
    private final ProfileBuilder counts;
    private final Profile reference;
    private double[] scores = new double[64];
    private double[] values = new double[64];
    private int[] predictedClasses = new int[64];
    private int[] labels = new int[64];
    private int joined;
    private int unusable;
    private int inputs;

    /** A window of a deployment predicting {@code task}; drift is computed when {@code reference} is given. */
    WindowComputation(MonitoringTask task, Optional<Profile> reference) {
        this.task = requireNonNull(task, "task is null");
        this.reference = reference.orElse(null);
        this.counts = this.reference == null ? null : ProfileBuilder.binLike(this.reference);
    }

    /** A logged prediction with its outcome (stored text: 0/1 or a number), for quality. */
    void addOutcome(JsonNode output, String outcome) {
        if (task == MonitoringTask.CLASSIFICATION) {
            Optional<double[]> read = PredictionOutputs.classification(output);
            if (read.isEmpty()) {
                unusable++;
                return;
            }
            grow();
            labels[joined] = outcome.equals("1") ? 1 : 0;
            scores[joined] = read.get()[0];
            predictedClasses[joined] = (int) read.get()[1];
        } else {
            Optional<Double> read = PredictionOutputs.regression(output);
            if (read.isEmpty()) {
                unusable++;
                return;
            }
            grow();
            scores[joined] = Double.parseDouble(outcome);   // the actual value
            values[joined] = read.get();
        }
        joined++;
    }

    /** A logged prediction's input and output, for drift (ignored without a reference). */
    void addInput(JsonNode input, JsonNode output) {
        if (counts == null) {
            return;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        input.fields().forEachRemaining(field -> row.put(field.getKey(), value(field.getValue())));
        Object prediction = task == MonitoringTask.CLASSIFICATION
                ? PredictionOutputs.classification(output).map(read -> (Object) read[0]).orElse(null)
                : PredictionOutputs.regression(output).orElse(null);
        counts.add(row, prediction);
        inputs++;
    }

    private static Object value(JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private void grow() {
        if (joined == scores.length) {
            scores = Arrays.copyOf(scores, joined * 2);
            values = Arrays.copyOf(values, joined * 2);
            predictedClasses = Arrays.copyOf(predictedClasses, joined * 2);
            labels = Arrays.copyOf(labels, joined * 2);
        }
    }

    /** The window's quality with its joined rows ({@code rows}); no metrics when no row was usable. */
    Result quality() {
        if (joined == 0) {
            return new Result(Map.of(), Map.of(), 0, unusable);
        }
        Map<String, Double> metrics = new LinkedHashMap<>(task == MonitoringTask.CLASSIFICATION
                ? BinaryClassificationQuality.of(Arrays.copyOf(labels, joined), Arrays.copyOf(scores, joined),
                        Arrays.copyOf(predictedClasses, joined)).metrics()
                : RegressionQuality.of(Arrays.copyOf(scores, joined), Arrays.copyOf(values, joined)).metrics());
        metrics.put("rows", (double) joined);
        return new Result(metrics, Map.of(), joined, unusable);
    }

    /**
     * The window's drift: PSI and Jensen-Shannon distance per feature ({@code drift.psi.city}, {@code drift.js.city}), for
     * the prediction, and the largest feature PSI ({@code drift.psi.max}), each PSI with its band; none without a
     * reference or inputs.
     */
    Result drift() {
        if (counts == null || inputs == 0) {
            return new Result(Map.of(), Map.of(), 0, 0);
        }
        DriftReport report = Drift.compare(reference, counts.build());
        Map<String, Double> recorded = new LinkedHashMap<>();
        Map<String, String> bands = new LinkedHashMap<>();
        double max = 0;
        for (DriftResult result : report.features().values()) {
            String name = metricName(result.name());
            recorded.put("drift.psi." + name, result.psi());
            recorded.put("drift.js." + name, result.js());
            bands.put("drift.psi." + name, result.band().label());
            max = Math.max(max, result.psi());
        }
        report.prediction().ifPresent(result -> {
            recorded.put("drift.psi.prediction", result.psi());
            recorded.put("drift.js.prediction", result.js());
            bands.put("drift.psi.prediction", result.band().label());
        });
        if (!report.features().isEmpty()) {
            recorded.put("drift.psi.max", max);
            bands.put("drift.psi.max", DriftBand.of(max).label());
        }
        return new Result(recorded, bands, inputs, 0);
    }

    /** A feature name as a metric name's last part: letters, digits, '_', '.' and '-' kept, anything else '_'. */
    static String metricName(String feature) {
        String name = feature.replaceAll("[^A-Za-z0-9_.-]", "_");
        return name.length() > 100 ? name.substring(0, 100) : name;
    }
}
