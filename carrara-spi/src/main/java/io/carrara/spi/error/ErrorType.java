package io.carrara.spi.error;

/**
 * The kind of failure, which decides how it is reported: the HTTP layer maps each type to one
 * status code, and only {@link #INTERNAL} is the server's fault.
 */
public enum ErrorType {
    INVALID_INPUT(400),
    /** No credentials, or credentials the server does not accept (unknown, expired, revoked). */
    UNAUTHENTICATED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    ALREADY_EXISTS(409),
    CONFLICT(409),
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    TOO_MANY_REQUESTS(429),
    UNAVAILABLE(503),
    INTERNAL(500);

    private final int httpStatus;

    ErrorType(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
