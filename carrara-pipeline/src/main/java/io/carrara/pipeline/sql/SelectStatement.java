package io.carrara.pipeline.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code SELECT *, <expression> AS <name>, ... FROM __THIS__ [WHERE <condition>]}: the
 * columns it adds after the input's, in order, and the optional row filter.
 */
record SelectStatement(List<Projection> projections, Optional<SqlExpression> where) {
    SelectStatement {
        projections = List.copyOf(projections);
        requireNonNull(where, "where is null");
    }

    /** {@code <expression> AS <name>}. */
    record Projection(String name, SqlExpression expression) {
        Projection {
            requireNonNull(name, "name is null");
            requireNonNull(expression, "expression is null");
        }
    }

    /** Parses the statement, throwing {@link SqlRefusal} for anything outside the subset. */
    static SelectStatement parse(String statement) {
        return new SqlParser(SqlLexer.tokenize(requireNonNull(statement, "statement is null"))).statement();
    }
}
