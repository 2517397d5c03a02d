package io.carrara.python;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/** Errors of the Python model runtime; range 0x0006_0000 (see {@link PythonErrors}). */
public enum PythonErrorCode implements ErrorCodeSupplier {
    /** The model home folder or its carrara.yaml breaks the contract (docs/python-models.md); names file and field. */
    MODEL_HOME_INVALID(0x0006_0001, ErrorType.INVALID_INPUT),
    /** The model's environment could not be built (pip, setup.sh, venv); the message shows the build log's last lines. */
    ENVIRONMENT_FAILED(0x0006_0002, ErrorType.INVALID_INPUT),
    /** The interpreter this host runs is not the major.minor the model's carrara.yaml asks for. */
    INTERPRETER_MISMATCH(0x0006_0003, ErrorType.INVALID_INPUT),
    /** Debian packages the model's packages.txt lists are not installed; they come with the image, never from the server. */
    SYSTEM_PACKAGES_MISSING(0x0006_0004, ErrorType.INVALID_INPUT),
    /** The worker could not load the model (syntax error, import error, constructor raising, no model class): exit 3. */
    MODEL_LOAD_FAILED(0x0006_0005, ErrorType.INVALID_INPUT),
    /** The model's answers on validation/ differ from validation/expected.jsonl: exit 4. */
    VALIDATION_FAILED(0x0006_0006, ErrorType.INVALID_INPUT),
    /** A row error: predict raised, or answered something that breaks the contract, for the call holding the row. */
    PREDICT_FAILED(0x0006_0007, ErrorType.INVALID_INPUT),
    /** A row error: the row lacks a declared input or holds a value of the wrong kind for it. */
    INVALID_ROW(0x0006_0008, ErrorType.INVALID_INPUT),
    /** The worker died or passed the request timeout; it is being restarted in the background. */
    WORKER_UNAVAILABLE(0x0006_0009, ErrorType.UNAVAILABLE),
    /** No Docker engine answers on this host, so an image cannot be built here. */
    DOCKER_UNAVAILABLE(0x0006_000A, ErrorType.UNAVAILABLE),
    /** {@code docker build} of a model's image failed. */
    IMAGE_BUILD_FAILED(0x0006_000B, ErrorType.INVALID_INPUT);

    private final ErrorCode errorCode;

    PythonErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
