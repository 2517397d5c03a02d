package io.carrara.spi.error;

/** Implemented by each module's error-code enum; every module owns a range of numbers. */
public interface ErrorCodeSupplier {
    ErrorCode toErrorCode();
}
