package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.Optional;
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
        throw new CarraraException(INVALID_ARGUMENT, "'" + shorten(value) + "' is not " + what + ": expected a UUID", field);
    }

    /**
     * A time query parameter, ISO-8601 with {@code Z} or an offset ({@code 2026-12-07T10:15:30Z}); empty or blank is
     * absent.
     */
    static Optional<java.time.Instant> instant(Optional<String> value, String field) {
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.Instant.parse(value.get()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new CarraraException(INVALID_ARGUMENT, field + " must be an ISO-8601 instant such as 2026-12-07T10:15:30Z, not '"
                    + shorten(value.get()) + "'", field);
        }
    }

    /** A required ISO date ({@code 2026-12-07}), from a query parameter or a body field. */
    static java.time.LocalDate date(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is required: an ISO date such as 2026-12-07", field);
        }
        try {
            return java.time.LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new CarraraException(INVALID_ARGUMENT, field + " must be an ISO date such as 2026-12-07, not '" + shorten(value) + "'",
                    field);
        }
    }

    /**
     * A whole-number query parameter; empty gives {@code fallback}. Parsed here rather than by the
     * framework, whose failure would not say which parameter was wrong.
     */
    static long whole(Optional<String> value, String field, long fallback) {
        if (value.isEmpty() || value.get().isBlank()) {
            return fallback;
        }
        String text = value.get().strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CarraraException(INVALID_ARGUMENT, field + " must be a whole number, not '" + shorten(text) + "'", field);
        }
    }

    /** {@link #whole} within the range of an int. */
    static int integer(Optional<String> value, String field, int fallback) {
        long parsed = whole(value, field, fallback);
        if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is out of range: " + parsed, field);
        }
        return (int) parsed;
    }

    /** A true/false query parameter; empty gives {@code fallback}. */
    static boolean bool(Optional<String> value, String field, boolean fallback) {
        if (value.isEmpty() || value.get().isBlank()) {
            return fallback;
        }
        return switch (value.get().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new CarraraException(INVALID_ARGUMENT, field + " must be true or false, not '"
                    + shorten(value.get()) + "'", field);
        };
    }

    /** A value quoted back to the caller, cut so that an error body stays small. */
    static String shorten(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
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
