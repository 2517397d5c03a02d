package io.carrara.serving;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/** Errors of online serving; range 0x0003_0000. */
public enum ServingErrorCode implements ErrorCodeSupplier {
    /** The feature store (Redis, or the embedded store's file) cannot be reached or opened. */
    FEATURE_STORE_UNAVAILABLE(0x0003_0001, ErrorType.UNAVAILABLE);

    private final ErrorCode errorCode;

    ServingErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
