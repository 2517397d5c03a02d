package io.carrara.batch;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/** Errors of the server's batch jobs and workflows; range 0x0005_0000. */
public enum BatchErrorCode implements ErrorCodeSupplier {
    /** Someone cancelled the job before it finished. */
    CANCELLED(0x0005_0001, ErrorType.CONFLICT);

    private final ErrorCode errorCode;

    BatchErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
