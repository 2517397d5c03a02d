package io.carrara.registry.predictions;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.spi.error.CarraraException;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the prediction log: the id returned to the caller (a UUID or another time-ordered id of
 * at most 64 characters), the deployment and the instance that scored, the input after the feature
 * join, the output, the server-side latency and when it was made. The database keeps
 * {@code createdAt} to the microsecond.
 *
 * <p>{@code formatVersion} is the format of {@code input} and {@code output} (version 1: values as
 * {@code carrara score} prints them, vectors as arrays, NaN as "NaN"); rows logged before the field
 * existed read as version 1, the format they were written in.
 */
public record LoggedPrediction(
        String id,
        String deployment,
        UUID instance,
        JsonNode input,
        JsonNode output,
        long latencyMicros,
        Instant createdAt,
        int formatVersion) {
    public static final int MAX_ID_LENGTH = 64;
    /** The format of the predictions logged now; raise it when input or output change encoding. */
    public static final int FORMAT_VERSION = 1;

    /** A prediction logged now, in format {@value #FORMAT_VERSION}. */
    public LoggedPrediction(String id, String deployment, UUID instance, JsonNode input, JsonNode output, long latencyMicros,
            Instant createdAt) {
        this(id, deployment, instance, input, output, latencyMicros, createdAt, FORMAT_VERSION);
    }

    public LoggedPrediction {
        requireNonNull(id, "id is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(input, "input is null");
        requireNonNull(output, "output is null");
        requireNonNull(createdAt, "createdAt is null");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new CarraraException(INVALID_ARGUMENT, "prediction id must be 1 to " + MAX_ID_LENGTH + " characters", "id");
        }
        if (formatVersion < 1) {
            throw new CarraraException(INVALID_ARGUMENT, "formatVersion must be 1 or more, not " + formatVersion, "formatVersion");
        }
        if (latencyMicros < 0) {
            throw new CarraraException(INVALID_ARGUMENT, "latencyMicros is negative: " + latencyMicros, "latencyMicros");
        }
    }
}
