package io.carrara.pipeline.error;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;

/**
 * One row cannot be scored; the message names the column and the fix, e.g.
 * {@code unseen label 'XYZ' in column city; set handleInvalid=keep to score it}. Other rows and the
 * model are unaffected.
 */
public final class RowException extends CarraraException {
    private static final long serialVersionUID = 1L;

    public RowException(String column, String message) {
        super(PipelineErrorCode.ROW_INVALID, message, requireNonNull(column, "column is null"));
    }

    /** The input or intermediate column whose value was rejected. */
    public String column() {
        return field().orElseThrow();
    }
}
