package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorType;
import io.carrara.spi.error.StandardErrorCode;

/**
 * A failure reported by the Carrara server, or the server being out of reach. The message is the
 * server's own, which already says what to do next; {@link #code()} is the wire code such as
 * {@code NOT_FOUND} or {@code SEARCH_SYNTAX}, and {@link #httpStatus()} is 0 when no answer came.
 */
public final class CarraraClientException extends CarraraException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final int httpStatus;

    public CarraraClientException(String code, String message, String field, int httpStatus, Throwable cause) {
        super(() -> errorCode(code, httpStatus), message, field, cause);
        this.code = requireNonNull(code, "code is null");
        this.httpStatus = httpStatus;
    }

    /** The code as the server names it, e.g. {@code ALREADY_EXISTS}. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    // The wire carries a code's name but not its number; standard codes are known to every module,
    // module codes (like the registry's SEARCH_SYNTAX) get number 0 and a type derived from the status.
    private static ErrorCode errorCode(String name, int httpStatus) {
        requireNonNull(name, "code is null");
        for (StandardErrorCode standard : StandardErrorCode.values()) {
            if (standard.name().equals(name)) {
                return standard.toErrorCode();
            }
        }
        return new ErrorCode(0, name, typeOf(httpStatus));
    }

    private static ErrorType typeOf(int httpStatus) {
        return switch (httpStatus) {
            case 0, 503 -> ErrorType.UNAVAILABLE;
            case 403 -> ErrorType.FORBIDDEN;
            case 404 -> ErrorType.NOT_FOUND;
            case 415 -> ErrorType.UNSUPPORTED_MEDIA_TYPE;
            case 409 -> ErrorType.CONFLICT;
            case 413 -> ErrorType.TOO_LARGE;
            default -> httpStatus >= 400 && httpStatus < 500 ? ErrorType.INVALID_INPUT : ErrorType.INTERNAL;
        };
    }
}
