package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.UUID;

/** Checks of path and query parameters shared by the API classes; each failure names its field. */
final class ApiParameters {
    static final int MAX_LIMIT = 1000;

    private ApiParameters() {}

    /** {@code value} as a UUID in its canonical form; {@code what} says what it identifies ("an instance id"). */
    static UUID uuid(String value, String field, String what) {
        try {
            UUID parsed = UUID.fromString(value);
            if (parsed.toString().equalsIgnoreCase(value)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the field name
        }
        throw new CarraraException(INVALID_ARGUMENT, "'" + value + "' is not " + what + ": expected a UUID", field);
    }

    static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CarraraException(INVALID_ARGUMENT, "limit must be between 1 and " + MAX_LIMIT + ", not " + limit, "limit");
        }
    }

    static void checkPage(int limit, int offset) {
        checkLimit(limit);
        if (offset < 0) {
            throw new CarraraException(INVALID_ARGUMENT, "offset must not be negative, not " + offset, "offset");
        }
    }
}
