package io.carrara.server.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * What monitoring reads from a logged prediction's output. A classification's score (the probability of class 1) is the
 * output's {@code probability}: its second element when it is a vector of two (as a Spark classifier logs it), or the
 * number itself; failing that, the first numeric field whose name starts with {@code probability} (a Python model's
 * {@code probability_malignant}). Its predicted class is {@code prediction} when that is 0 or 1, else the score at 0.5.
 * A regression's predicted value is the output's numeric {@code prediction}.
 */
final class PredictionOutputs {
    private PredictionOutputs() {}

    /** {score, predicted class} of a binary classification, or empty when the output has no usable score. */
    static Optional<double[]> classification(JsonNode output) {
        Double score = null;
        JsonNode probability = output.get("probability");
        if (probability != null && probability.isArray() && probability.size() == 2 && probability.get(1).isNumber()) {
            score = probability.get(1).asDouble();
        } else if (probability != null && probability.isNumber()) {
            score = probability.asDouble();
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> fields = output.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().startsWith("probability") && field.getValue().isNumber()) {
                    score = field.getValue().asDouble();
                    break;
                }
            }
        }
        JsonNode prediction = output.get("prediction");
        Integer predicted = prediction != null && prediction.isNumber()
                && (prediction.asDouble() == 0.0 || prediction.asDouble() == 1.0) ? (int) prediction.asDouble() : null;
        if (score == null && predicted != null) {
            score = (double) predicted;   // a classifier that logs only its class: AUC and log loss from hard 0/1 scores
        }
        if (score == null || !(score >= 0.0 && score <= 1.0)) {
            return Optional.empty();
        }
        return Optional.of(new double[] {score, predicted != null ? predicted : score >= 0.5 ? 1 : 0});
    }

    /** The predicted value of a regression, or empty when the output has no finite numeric prediction. */
    static Optional<Double> regression(JsonNode output) {
        JsonNode prediction = output.get("prediction");
        return prediction != null && prediction.isNumber() && Double.isFinite(prediction.asDouble())
                ? Optional.of(prediction.asDouble()) : Optional.empty();
    }
}
