package io.carrara.serving.log;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One prediction sampled into the prediction log, what monitoring later joins with outcomes.
 *
 * @param id the id returned to the caller in the prediction's result
 * @param input the row as scored: the request's fields plus the joined features
 * @param output the columns the model added, by name (values as the model gave them, e.g. vectors)
 * @param latencyMicros the server-side time of the whole request the row came in
 */
public record LoggedPrediction(
        String id,
        String deployment,
        UUID instance,
        Map<String, Object> input,
        Map<String, Object> output,
        long latencyMicros,
        Instant time) {
    public LoggedPrediction {
        requireNonNull(id, "id is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(input, "input is null");
        requireNonNull(output, "output is null");
        requireNonNull(time, "time is null");
    }

    /**
     * {@link #input} as one JSON object's text, values as {@code carrara score} prints them (vectors as
     * arrays, NaN as "NaN"): what a database sink stores.
     */
    public String inputJson() {
        return PredictionJson.object(input).toString();
    }

    /** {@link #output} as one JSON object's text, like {@link #inputJson}. */
    public String outputJson() {
        return PredictionJson.object(output).toString();
    }
}
