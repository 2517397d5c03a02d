package io.carrara.pipeline.sql;

/**
 * Evaluates an expression whose value is held as a double: numbers of every type and booleans
 * (1 for true, 0 for false). A null result sets {@link EvaluationContext#wasNull}.
 */
@FunctionalInterface
interface NumberEvaluator {
    double evaluate(EvaluationContext context);
}
