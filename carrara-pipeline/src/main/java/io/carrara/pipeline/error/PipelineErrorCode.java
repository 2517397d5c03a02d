package io.carrara.pipeline.error;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/**
 * Errors of the pipeline runtime; range 0x0002_0000. Model errors (the saved pipeline cannot be
 * loaded or bound) block a deployment; row errors reject one row and leave the model usable.
 */
public enum PipelineErrorCode implements ErrorCodeSupplier {
    /** The directory is not a Spark ML save, or a file in it cannot be read. */
    MODEL_UNREADABLE(0x0002_0001, ErrorType.INVALID_INPUT),
    /** A stage's Spark class has no loader. */
    STAGE_UNSUPPORTED(0x0002_0002, ErrorType.INVALID_INPUT),
    /** A stage's parameters or data are not what its Spark class writes. */
    STAGE_INVALID(0x0002_0003, ErrorType.INVALID_INPUT),
    /** The pipeline cannot be bound to the input schema (missing column, wrong type, clash). */
    SCHEMA_MISMATCH(0x0002_0004, ErrorType.INVALID_INPUT),
    /** One row cannot be scored: a value of the wrong type, a null, an unseen label. */
    ROW_INVALID(0x0002_0005, ErrorType.INVALID_INPUT);

    private final ErrorCode errorCode;

    PipelineErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
