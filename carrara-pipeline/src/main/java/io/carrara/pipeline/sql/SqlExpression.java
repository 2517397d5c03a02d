package io.carrara.pipeline.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The parsed, not yet typed, expression tree of a SQLTransformer statement. {@link #sql()} renders
 * it back for messages, fully parenthesised the way Spark prints expressions, e.g.
 * {@code (fare / distance)}.
 */
sealed interface SqlExpression {
    String sql();

    /** A constant; numbers and booleans are held as doubles, like every value while evaluating. */
    record Literal(SqlType type, double number, String string, String sql) implements SqlExpression {
        public Literal {
            requireNonNull(type, "type is null");
            requireNonNull(sql, "sql is null");
        }

        static Literal ofNull() {
            return new Literal(SqlType.NULL, 0, null, "NULL");
        }

        static Literal ofBoolean(boolean value) {
            return new Literal(SqlType.BOOLEAN, value ? 1 : 0, null, value ? "true" : "false");
        }

        static Literal ofString(String value) {
            return new Literal(SqlType.STRING, 0, requireNonNull(value, "value is null"), "'" + value.replace("'", "\\'") + "'");
        }
    }

    record ColumnReference(String name) implements SqlExpression {
        public ColumnReference {
            requireNonNull(name, "name is null");
        }

        @Override
        public String sql() {
            return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? name : "`" + name.replace("`", "``") + "`";
        }
    }

    /** Unary minus. */
    record Negate(SqlExpression operand) implements SqlExpression {
        @Override
        public String sql() {
            return "(- " + operand.sql() + ")";
        }
    }

    record Not(SqlExpression operand) implements SqlExpression {
        @Override
        public String sql() {
            return "(NOT " + operand.sql() + ")";
        }
    }

    /** Arithmetic, {@code ||}, comparison and logical operators; {@code ==} is kept as {@code =} and {@code <>} as {@code !=}. */
    record Binary(String operator, SqlExpression left, SqlExpression right) implements SqlExpression {
        public Binary {
            requireNonNull(operator, "operator is null");
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }

        @Override
        public String sql() {
            return "(" + left.sql() + " " + operator + " " + right.sql() + ")";
        }
    }

    record IsNull(SqlExpression operand, boolean negated) implements SqlExpression {
        @Override
        public String sql() {
            return "(" + operand.sql() + (negated ? " IS NOT NULL)" : " IS NULL)");
        }
    }

    record In(SqlExpression operand, List<SqlExpression> values, boolean negated) implements SqlExpression {
        public In {
            values = List.copyOf(values);
        }

        @Override
        public String sql() {
            return "(" + operand.sql() + (negated ? " NOT IN (" : " IN (")
                    + values.stream().map(SqlExpression::sql).collect(Collectors.joining(", ")) + "))";
        }
    }

    record Between(SqlExpression operand, SqlExpression lower, SqlExpression upper, boolean negated) implements SqlExpression {
        @Override
        public String sql() {
            return "(" + operand.sql() + (negated ? " NOT BETWEEN " : " BETWEEN ") + lower.sql() + " AND " + upper.sql() + ")";
        }
    }

    /** Searched {@code CASE WHEN c THEN r} or, with an operand, simple {@code CASE x WHEN v THEN r}. */
    record Case(Optional<SqlExpression> operand, List<When> branches, Optional<SqlExpression> otherwise) implements SqlExpression {
        public Case {
            requireNonNull(operand, "operand is null");
            branches = List.copyOf(branches);
            requireNonNull(otherwise, "otherwise is null");
        }

        @Override
        public String sql() {
            return "CASE" + operand.map(o -> " " + o.sql()).orElse("")
                    + branches.stream().map(b -> " WHEN " + b.condition().sql() + " THEN " + b.result().sql()).collect(Collectors.joining())
                    + otherwise.map(o -> " ELSE " + o.sql()).orElse("") + " END";
        }
    }

    record When(SqlExpression condition, SqlExpression result) {
        public When {
            requireNonNull(condition, "condition is null");
            requireNonNull(result, "result is null");
        }
    }

    record Cast(SqlExpression operand, SqlType target) implements SqlExpression {
        @Override
        public String sql() {
            return "CAST(" + operand.sql() + " AS " + target.sparkName().toUpperCase(Locale.ROOT) + ")";
        }
    }

    /** A call of a built-in function; the name is lower case. */
    record FunctionCall(String name, List<SqlExpression> arguments) implements SqlExpression {
        public FunctionCall {
            requireNonNull(name, "name is null");
            arguments = List.copyOf(arguments);
        }

        @Override
        public String sql() {
            return name + "(" + arguments.stream().map(SqlExpression::sql).collect(Collectors.joining(", ")) + ")";
        }
    }
}
