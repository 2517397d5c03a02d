package io.carrara.server.oip;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.serving.predict.RowError;
import io.carrara.spi.error.CarraraException;
import java.util.List;

/**
 * A tensor batch refused because some of its rows failed to score: INVALID_ARGUMENT on
 * {@code inputs}, as the protocol can only fail the whole batch, carrying the reported rows' own
 * errors (their code, message and column) so that the REST answer and the gRPC status details can
 * give each one's identity beside the protocol's message.
 */
final class RowsNotScoredException extends CarraraException {
    private static final long serialVersionUID = 1L;

    /** A row of the batch (from 0) and why it failed. */
    record FailedRow(int row, RowError error) {
        FailedRow {
            requireNonNull(error, "error is null");
        }
    }

    private final transient List<FailedRow> rows;

    RowsNotScoredException(String message, List<FailedRow> rows) {
        super(INVALID_ARGUMENT, message, "inputs");
        this.rows = List.copyOf(requireNonNull(rows, "rows is null"));
    }

    /** The rows the message reports, in batch order. */
    List<FailedRow> rows() {
        return rows;
    }
}
