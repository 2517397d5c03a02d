package io.carrara.api.predict;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One prediction of a deployment's log, as {@code GET /api/v1/deployments/{name}/predictions} lists
 * them: the id the predict answer gave, the deployment and the instance that scored, the input after
 * the feature join, the output, the server's latency and when it was made. {@code formatVersion} is
 * the format of {@code input} and {@code output} (1: values as {@code carrara score} prints them,
 * vectors as arrays, NaN as "NaN"); an answer from a server before the field reads as 1.
 */
public record LoggedPrediction(String id, String deployment, UUID instance, Map<String, Object> input,
        Map<String, Object> output, long latencyMicros, Instant createdAt, int formatVersion) {
    public LoggedPrediction {
        requireNonNull(id, "id is null");
        // In the order the server wrote them; values may be null, so not Map.copyOf.
        input = input == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(input));
        output = output == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(output));
        formatVersion = formatVersion == 0 ? 1 : formatVersion;
    }
}
