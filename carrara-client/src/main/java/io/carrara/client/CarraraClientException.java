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

    /** A failure this client found itself (no answer, a damaged download): a standard code by its name. */
    public CarraraClientException(String code, String message, String field, int httpStatus, Throwable cause) {
        this(errorCode(code, httpStatus), message, field, httpStatus, cause);
    }

    /** A failure the server answered with: its code rebuilt from the wire's name, number and type. */
    public CarraraClientException(ErrorCode code, String message, String field, int httpStatus, Throwable cause) {
        super(requireNonNull(code, "code is null"), message, field, cause);
        this.code = code.name();
        this.httpStatus = httpStatus;
    }

    /** The code as the server names it, e.g. {@code ALREADY_EXISTS}. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The code an answer carries: its number and type as the server sent them (every Carrara error
     * does), else, from a server older than the error protocol or a proxy, a standard code by its name,
     * or number 0 with a type derived from the status.
     */
    static ErrorCode fromWire(String name, Integer number, String type, int httpStatus) {
        requireNonNull(name, "name is null");
        if (number != null && number >= 0 && type != null) {
            try {
                return new ErrorCode(number, name, ErrorType.valueOf(type));
            } catch (IllegalArgumentException e) {
                // A type this client does not know (a newer server): keep the name and number, derive the type.
                return new ErrorCode(number, name, typeOf(httpStatus));
            }
        }
        return errorCode(name, httpStatus);
    }

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
            case 401 -> ErrorType.UNAUTHENTICATED;
            case 403 -> ErrorType.FORBIDDEN;
            case 429 -> ErrorType.TOO_MANY_REQUESTS;
            case 404 -> ErrorType.NOT_FOUND;
            case 405 -> ErrorType.METHOD_NOT_ALLOWED;
            case 415 -> ErrorType.UNSUPPORTED_MEDIA_TYPE;
            case 409 -> ErrorType.CONFLICT;
            case 413 -> ErrorType.TOO_LARGE;
            default -> httpStatus >= 400 && httpStatus < 500 ? ErrorType.INVALID_INPUT : ErrorType.INTERNAL;
        };
    }
}
