package io.carrara.spark.sql;

import static java.util.Objects.requireNonNull;

import io.carrara.spark.SparkErrorCode;
import io.carrara.spi.error.CarraraException;

/**
 * The user SQL being checked: a query or a condition, and the request field it came in. Builds the
 * refusals, which name the construct and the field, say why, and say what is accepted.
 */
record SqlSubject(Kind kind, String field) {
    static final String DOCS = "docs/batch.md#accepted-sql";

    enum Kind {
        QUERY("query", "Write one SELECT query over catalog tables (WITH, joins, GROUP BY, window functions, subqueries,"
                + " LATERAL VIEW and VALUES are accepted), calling Spark's builtin functions"),
        CONDITION("condition", "Write a condition over the table's columns (subqueries over catalog tables are accepted),"
                + " calling Spark's builtin functions"),
        TABLE("table", "Read tables of the catalog, or views defined within the accepted SQL");

        private final String noun;
        private final String accepted;

        Kind(String noun, String accepted) {
            this.noun = noun;
            this.accepted = accepted;
        }
    }

    SqlSubject {
        requireNonNull(kind, "kind is null");
        requireNonNull(field, "field is null");
    }

    String noun() {
        return kind.noun;
    }

    private String given() {
        return "the " + kind.noun + " given in '" + field + "'";
    }

    /** "the query given in 'query' uses SET, which Carrara does not accept: WHY. Write ...; see docs/batch.md#accepted-sql" */
    CarraraException refuse(String construct, String why) {
        return new CarraraException(SparkErrorCode.SQL_REFUSED, given() + " " + construct
                + ", which Carrara does not accept: " + why + ". " + kind.accepted + "; see " + DOCS, field);
    }

    /** A refusal found inside a view the SQL reads: the view's body is held to the same rules. */
    CarraraException refuseInView(String view, String construct, String why) {
        return new CarraraException(SparkErrorCode.SQL_REFUSED, given() + " reads view " + view
                + ", whose definition " + construct + ", which Carrara does not accept: " + why + ". Read the view's tables"
                + " instead, or have the view redefined within the accepted SQL; see " + DOCS, field);
    }

    CarraraException invalid(String problem) {
        return new CarraraException(SparkErrorCode.QUERY_INVALID, given() + " " + problem, field);
    }
}
