package io.carrara.registry;

import io.carrara.registry.search.SearchErrorCode;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/**
 * Errors of the registry; range 0x0001_0000. {@link #SEARCH_SYNTAX} is the search language's own code
 * ({@link SearchErrorCode}, in carrara-registry-model), listed here so that the registry's catalog
 * keeps holding every number of its range.
 */
public enum RegistryErrorCode implements ErrorCodeSupplier {
    SEARCH_SYNTAX(SearchErrorCode.SEARCH_SYNTAX),
    DEPENDENCY_CYCLE(0x0001_0002, ErrorType.CONFLICT),
    BLOB_MISSING(0x0001_0003, ErrorType.INVALID_INPUT),
    DATABASE_UNAVAILABLE(0x0001_0004, ErrorType.UNAVAILABLE),
    /** A deployment change whose instances could not load or pass their checks; the deployment stays as it was. */
    DEPLOYMENT_REFUSED(0x0001_0005, ErrorType.INVALID_INPUT);

    private final ErrorCode errorCode;

    RegistryErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    RegistryErrorCode(ErrorCodeSupplier same) {
        this.errorCode = same.toErrorCode();
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
