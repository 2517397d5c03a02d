package io.carrara.spi.model;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.regex.Pattern;

/** The one rule for project, model and deployment names, so every entry point checks them alike. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private Names() {}

    /** Returns {@code value} if it is a valid name, else throws naming {@code field}. */
    public static String checkName(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is required", field);
        }
        if (!NAME.matcher(value).matches()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + " '" + value + "' is not a valid name: use 1 to 128 letters, digits, '_', '.' or '-',"
                            + " starting with a letter or digit",
                    field);
        }
        return value;
    }
}
