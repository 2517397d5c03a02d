package io.carrara.spi.error;

/** Errors any module may raise; range 0x0000_0000 (see {@link StandardErrors}). */
public enum StandardErrorCode implements ErrorCodeSupplier {
    INVALID_ARGUMENT(1, ErrorType.INVALID_INPUT),
    NOT_FOUND(2, ErrorType.NOT_FOUND),
    ALREADY_EXISTS(3, ErrorType.ALREADY_EXISTS),
    CONFLICT(4, ErrorType.CONFLICT),
    PAYLOAD_TOO_LARGE(5, ErrorType.TOO_LARGE),
    UNAVAILABLE(6, ErrorType.UNAVAILABLE),
    INTERNAL_ERROR(7, ErrorType.INTERNAL),
    BLOB_CORRUPTED(8, ErrorType.INTERNAL),
    UNSAFE_ARCHIVE(9, ErrorType.INVALID_INPUT),
    /** A browser on another origin asked for a change; see the server's {@code http.allowedOrigins}. */
    CROSS_ORIGIN_REFUSED(10, ErrorType.FORBIDDEN),
    /** A request body of a type the endpoint does not take (e.g. JSON sent as text/plain). */
    UNSUPPORTED_MEDIA_TYPE(11, ErrorType.UNSUPPORTED_MEDIA_TYPE),
    /** The request took longer than the server's limit ({@code limits.requestTimeoutSeconds}). */
    TIMEOUT(12, ErrorType.UNAVAILABLE),
    /** The path exists, but not for this HTTP method. */
    METHOD_NOT_ALLOWED(13, ErrorType.METHOD_NOT_ALLOWED),
    /** A URL the server would call (a webhook) reaches an address it must not: see {@code OutboundAddressPolicy}. */
    ADDRESS_NOT_ALLOWED(14, ErrorType.INVALID_INPUT),
    /** The call needs credentials and has none, or ones the server does not accept: unknown, expired or revoked. */
    UNAUTHENTICATED(15, ErrorType.UNAUTHENTICATED),
    /** The caller is known but lacks the role the call needs (in the project it is about, or server admin). */
    PERMISSION_DENIED(16, ErrorType.FORBIDDEN),
    /** Too many failed authentications from one address; it may try again after the time the error names. */
    TOO_MANY_FAILED_AUTHENTICATIONS(17, ErrorType.TOO_MANY_REQUESTS);

    private final ErrorCode errorCode;

    StandardErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
