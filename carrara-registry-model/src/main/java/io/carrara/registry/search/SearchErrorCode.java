package io.carrara.registry.search;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/**
 * Errors of the search language, from the registry's range (0x0001_0000): the registry lists them in
 * its catalog as {@code RegistryErrorCode}, with the same numbers, names and types, since clients saw
 * them there first.
 */
public enum SearchErrorCode implements ErrorCodeSupplier {
    SEARCH_SYNTAX(0x0001_0001, ErrorType.INVALID_INPUT);

    private final ErrorCode errorCode;

    SearchErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
