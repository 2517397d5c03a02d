package io.carrara.serving.predict;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import java.util.Optional;

/**
 * Why one row was not scored: a real error code (e.g. the pipeline's {@code ROW_INVALID}, the
 * serving engine's {@code FEATURE_MISSING} or {@code MODEL_UNAVAILABLE}), the message naming the
 * value and the fix, and the input column at fault when there is one. The other rows of the
 * request are unaffected.
 *
 * <p>It lives in carrara-serving, beside {@link io.carrara.serving.runtime.ScoredRow} and the
 * {@link io.carrara.serving.runtime.ModelRuntime} seam that every runtime implements, rather than in
 * carrara-spi: runtimes produce it through that seam, and the pipeline keeps its own
 * {@code RowException}, which {@link #of} turns into one.
 *
 * <pre>{@code
 * RowError error = RowError.of(rowException);   // ROW_INVALID, "unseen label 'x' in column city; …", column city
 * }</pre>
 */
public record RowError(ErrorCode code, String message, Optional<String> column) {
    public RowError {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        requireNonNull(column, "column is null");
    }

    public RowError(ErrorCodeSupplier code, String message, String column) {
        this(requireNonNull(code, "code is null").toErrorCode(), message, Optional.ofNullable(column));
    }

    /** The row error an exception describes: its code, its message, and its field as the column. */
    public static RowError of(CarraraException error) {
        requireNonNull(error, "error is null");
        return new RowError(error.errorCode(), error.getMessage(), error.field());
    }
}
