package io.carrara.registry.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * How times go in and out of the registry database: UTC wall-clock values with microseconds, because
 * MariaDB has no zoned timestamp type and none of the three keeps more than microseconds.
 */
public final class DatabaseTimes {
    private DatabaseTimes() {}

    /** The current time at the precision the database keeps, so a value read back equals the one written. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public static LocalDateTime toDb(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant fromDb(LocalDateTime value) {
        return value.toInstant(ZoneOffset.UTC);
    }

    /** As {@link #toDb(Instant)} for a nullable column: null stays null. */
    public static LocalDateTime toDbOrNull(Instant instant) {
        return instant == null ? null : toDb(instant);
    }

    /** The instant in a nullable timestamp column of the current row, or null. */
    public static Instant fromDb(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : fromDb(value);
    }
}
