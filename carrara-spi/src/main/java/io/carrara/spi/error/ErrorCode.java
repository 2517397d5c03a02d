package io.carrara.spi.error;

import static java.util.Objects.requireNonNull;

/**
 * A stable error identity: a number from the owning module's range, a name clients can match on,
 * and the type that decides the HTTP status.
 */
public record ErrorCode(int code, String name, ErrorType type) implements ErrorCodeSupplier {
    public ErrorCode {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        if (code < 0) {
            throw new IllegalArgumentException("code is negative: " + code);
        }
    }

    /** Itself, so that a caught exception's code can be raised again with another message. */
    @Override
    public ErrorCode toErrorCode() {
        return this;
    }
}
