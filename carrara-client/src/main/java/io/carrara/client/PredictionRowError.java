package io.carrara.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.spi.error.ErrorCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Why one row of a prediction was not scored, as the server reported it in place of the row: the
 * server's code rebuilt from its name, number and type (e.g. {@code ROW_INVALID}, 131077,
 * INVALID_INPUT), the message naming the value and the fix, and the input column at fault when
 * there is one.
 *
 * <pre>{@code
 * JsonNode answer = client.predict("fares", rows, null);
 * List<Optional<PredictionRowError>> errors = PredictionRowError.inAnswer(answer);   // one per row
 * errors.get(1).ifPresent(error -> System.out.println(error.code().name() + " " + error.column().orElse("") + ": " + error.message()));
 * }</pre>
 */
public record PredictionRowError(ErrorCode code, String message, Optional<String> column) {
    /** What a server older than the error protocol reports, when a row error has only its message. */
    private static final String UNNAMED_CODE = "ROW_INVALID";

    public PredictionRowError {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        requireNonNull(column, "column is null");
    }

    /**
     * The error of one entry of an answer's {@code predictions}, empty for a scored or skipped row.
     * A server older than the error protocol sends only {@code error} and {@code column}: the code is
     * then {@code ROW_INVALID} numbered 0, as the client numbers any code it cannot rebuild.
     */
    public static Optional<PredictionRowError> of(JsonNode prediction) {
        requireNonNull(prediction, "prediction is null");
        JsonNode error = prediction.get("error");
        if (error == null || error.isNull()) {
            return Optional.empty();
        }
        JsonNode number = prediction.get("number");
        JsonNode type = prediction.get("type");
        ErrorCode code = CarraraClientException.fromWire(
                prediction.hasNonNull("code") ? prediction.get("code").asText() : UNNAMED_CODE,
                number != null && number.canConvertToInt() ? number.asInt() : null,
                type != null && type.isTextual() ? type.asText() : null,
                400);
        String message = prediction.hasNonNull("message") ? prediction.get("message").asText() : error.asText();
        JsonNode column = prediction.get("column");
        return Optional.of(new PredictionRowError(code, message,
                column == null || column.isNull() ? Optional.empty() : Optional.of(column.asText())));
    }

    /** The error of each row of a predict answer ({@code {"predictions": [...]}}), in row order. */
    public static List<Optional<PredictionRowError>> inAnswer(JsonNode answer) {
        requireNonNull(answer, "answer is null");
        JsonNode predictions = answer.get("predictions");
        if (predictions == null || !predictions.isArray()) {
            throw new IllegalArgumentException("not a predict answer: it has no predictions array");
        }
        List<Optional<PredictionRowError>> errors = new ArrayList<>(predictions.size());
        for (JsonNode prediction : predictions) {
            errors.add(of(prediction));
        }
        return Collections.unmodifiableList(errors);
    }
}
