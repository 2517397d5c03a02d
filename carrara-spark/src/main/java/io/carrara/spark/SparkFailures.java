package io.carrara.spark;

import io.carrara.spi.error.CarraraException;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;

/** Spark's failures in the user's terms: what Carrara's table, batch and SQL code throw. */
public final class SparkFailures {
    private SparkFailures() {
    }

    /**
     * A Spark failure as a {@link CarraraException} when it is the user's (an unknown table or
     * column, a syntax error), naming {@code field}; any other failure unchanged.
     */
    public static RuntimeException explain(Exception e, String field, String what) {
        if (e instanceof CarraraException carrara) {
            return carrara;
        }
        if (e instanceof AnalysisException analysis) {
            String condition = Optional.ofNullable(analysis.getCondition()).orElse("");
            String message = firstLine(analysis.getSimpleMessage());
            if (condition.startsWith("TABLE_OR_VIEW_NOT_FOUND") || condition.startsWith("SCHEMA_NOT_FOUND")) {
                return new CarraraException(SparkErrorCode.TABLE_NOT_FOUND, what + " reads a table that does not exist: " + message
                        + "; list the tables with 'carrara table list', or import one with 'carrara table import'", field, e);
            }
            return new CarraraException(SparkErrorCode.QUERY_INVALID, what + " does not run: " + message, field, e);
        }
        return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(what + " failed", e);
    }

    /** The first line of a message, trimmed; empty for none. */
    public static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
