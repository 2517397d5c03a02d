package io.carrara.serving;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/** Errors of online serving; range 0x0003_0000. */
public enum ServingErrorCode implements ErrorCodeSupplier {
    /** The feature store (Redis, or the embedded store's file) cannot be reached or opened. */
    FEATURE_STORE_UNAVAILABLE(0x0003_0001, ErrorType.UNAVAILABLE),
    /** An instance's model could not be fetched or loaded; the reason is kept and retried after a backoff. */
    MODEL_UNAVAILABLE(0x0003_0002, ErrorType.UNAVAILABLE),
    /** No runtime serves the instance's artifact format (opaque artifacts, or python before its runtime exists). */
    FORMAT_UNSUPPORTED(0x0003_0003, ErrorType.INVALID_INPUT),
    /**
     * A row's online features are not in the store and its deployment rejects such rows
     * ({@code missingFeatures: reject}), or the row lacks the key field to look them up; a row error.
     */
    FEATURE_MISSING(0x0003_0004, ErrorType.INVALID_INPUT),
    /**
     * A row's instance adds none of a column its deployment answers with ({@code outputs}), e.g. a request pinned to
     * another instance of the model; a row error. A deploy whose instances lack a named output is refused instead.
     */
    OUTPUT_MISSING(0x0003_0005, ErrorType.CONFLICT);

    private final ErrorCode errorCode;

    ServingErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
