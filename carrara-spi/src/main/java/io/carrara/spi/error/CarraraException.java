package io.carrara.spi.error;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The one exception type Carrara raises for failures a user can act on. It carries an error code,
 * a message that says what went wrong and what to do next, and optionally the offending field,
 * e.g. {@code new CarraraException(INVALID_ARGUMENT, "name must not be empty", "name")}.
 */
public class CarraraException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final String field;

    public CarraraException(ErrorCodeSupplier code, String message) {
        this(code, message, null, null);
    }

    public CarraraException(ErrorCodeSupplier code, String message, String field) {
        this(code, message, field, null);
    }

    public CarraraException(ErrorCodeSupplier code, String message, String field, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.errorCode = requireNonNull(code, "code is null").toErrorCode();
        this.field = field;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The request field or column the error is about, when there is one. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
