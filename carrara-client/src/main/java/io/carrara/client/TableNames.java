package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.regex.Pattern;

/**
 * Spark table and database names as the API accepts them: {@code table} or {@code database.table},
 * letters, digits and {@code _}, starting with a letter or {@code _}. Checked before a name goes
 * into a URL path, so a typo is reported here and not as an odd 404.
 */
final class TableNames {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");

    private TableNames() {}

    static String checkTable(String value, String field) {
        if (value == null || !TABLE.matcher(value).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + value
                    + "' is not a table name like ml.trips (letters, digits and _, starting with a letter or _)", field);
        }
        return value;
    }

    static String checkDatabase(String value, String field) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + value
                    + "' is not a database name like ml (letters, digits and _, starting with a letter or _)", field);
        }
        return value;
    }
}
