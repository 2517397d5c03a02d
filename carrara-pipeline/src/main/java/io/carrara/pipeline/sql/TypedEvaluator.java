package io.carrara.pipeline.sql;

import static java.util.Objects.requireNonNull;

/**
 * A compiled expression: its Spark type, and the evaluator for that type's representation (a
 * {@link StringEvaluator} for strings, a {@link NumberEvaluator} otherwise; a NULL literal has
 * both). {@code sql} is the expression's text for messages.
 */
record TypedEvaluator(SqlType type, NumberEvaluator number, StringEvaluator string, String sql) {
    TypedEvaluator {
        requireNonNull(type, "type is null");
        requireNonNull(sql, "sql is null");
        if ((type == SqlType.STRING || type == SqlType.NULL) != (string != null)
                || (type != SqlType.STRING) != (number != null)) {
            throw new IllegalArgumentException("a " + type + " expression needs the matching evaluator: " + sql);
        }
    }

    static TypedEvaluator ofNumber(SqlType type, NumberEvaluator number, String sql) {
        return new TypedEvaluator(type, number, null, sql);
    }

    static TypedEvaluator ofString(StringEvaluator string, String sql) {
        return new TypedEvaluator(SqlType.STRING, null, string, sql);
    }

    static TypedEvaluator ofNull(String sql) {
        return new TypedEvaluator(SqlType.NULL, EvaluationContext::yieldNull, context -> null, sql);
    }

    /** Evaluates a numeric or boolean expression as SQL does in a condition: NULL counts as false, and leaves no flag behind. */
    boolean isTrue(EvaluationContext context) {
        double value = number.evaluate(context);
        if (context.wasNull) {
            context.wasNull = false;
            return false;
        }
        return value != 0;
    }
}
