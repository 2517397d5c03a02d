package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.api.error.ErrorBody;
import io.carrara.api.predict.PredictResponse;
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
 * PredictResponse answer = client.predictions().predict("fares", rows, null);
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

    /** The error of row {@code row} of a predict answer, empty for a scored or skipped row. */
    public static Optional<PredictionRowError> of(PredictResponse answer, int row) {
        requireNonNull(answer, "answer is null");
        return answer.error(row).map(PredictionRowError::of);
    }

    /** The error of each row of a predict answer, in row order. */
    public static List<Optional<PredictionRowError>> inAnswer(PredictResponse answer) {
        requireNonNull(answer, "answer is null");
        List<Optional<PredictionRowError>> errors = new ArrayList<>(answer.predictions().size());
        for (int i = 0; i < answer.predictions().size(); i++) {
            errors.add(of(answer, i));
        }
        return Collections.unmodifiableList(errors);
    }

    /**
     * A row's error body with its code rebuilt. A server older than the error protocol sends only the
     * message and the column: the code is then {@code ROW_INVALID} numbered 0, as the client numbers
     * any code it cannot rebuild.
     */
    static PredictionRowError of(ErrorBody error) {
        ErrorCode code = CarraraClientException.fromWire(error.code(), error.number(), error.type(), 400);
        return new PredictionRowError(code, error.message(), Optional.ofNullable(error.column()));
    }
}
