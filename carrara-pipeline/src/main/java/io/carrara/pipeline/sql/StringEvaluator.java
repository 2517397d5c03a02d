package io.carrara.pipeline.sql;

/** Evaluates a string expression; {@code null} is SQL NULL. */
@FunctionalInterface
interface StringEvaluator {
    String evaluate(EvaluationContext context);
}
