package io.carrara.spark.table;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A table of the Spark catalog, {@code table} or {@code database.table}, e.g.
 * {@code TableName.parse("ml.trip_predictions", "output")}. Names are plain identifiers, so they
 * can be put into SQL without escaping beyond back-quotes.
 */
public record TableName(Optional<String> database, String table) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    public TableName {
        requireNonNull(database, "database is null");
        requireNonNull(table, "table is null");
        database.ifPresent(name -> check(name, "database"));
        check(table, "table");
    }

    /** Parses {@code table} or {@code database.table}; {@code field} names the input in the error. */
    public static TableName parse(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is required: give a table as TABLE or DATABASE.TABLE", field);
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length > 2 || !IDENTIFIER.matcher(parts[0]).matches()
                || parts.length == 2 && !IDENTIFIER.matcher(parts[1]).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + value + "' is not a table name: use TABLE or"
                    + " DATABASE.TABLE, each a letter or '_' followed by letters, digits or '_', e.g. ml.trip_predictions", field);
        }
        return parts.length == 2 ? new TableName(Optional.of(parts[0]), parts[1]) : new TableName(Optional.empty(), parts[0]);
    }

    /** This table's name with {@code suffix} appended, in the same database: {@code ml.trips} → {@code ml.trips_errors}. */
    public TableName withSuffix(String suffix) {
        return new TableName(database, table + suffix);
    }

    /** The name for SQL text, back-quoted: {@code `ml`.`trips`}. */
    public String sql() {
        return database.map(name -> "`" + name + "`.").orElse("") + "`" + table + "`";
    }

    @Override
    public String toString() {
        return database.map(name -> name + ".").orElse("") + table;
    }

    private static void check(String name, String what) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' is not an identifier");
        }
    }
}
