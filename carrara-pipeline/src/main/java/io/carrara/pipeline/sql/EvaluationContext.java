package io.carrara.pipeline.sql;

import io.carrara.pipeline.stage.Frame;

/**
 * The row being evaluated plus the null flag of the last numeric result: a
 * {@link NumberEvaluator} that yields SQL NULL sets {@link #wasNull} and returns 0. The flag is
 * false whenever an evaluator is entered, so an evaluator that goes on after a null operand (a
 * {@code coalesce}, {@code IS NULL}, {@code AND}) clears it first. One per row and stage.
 */
final class EvaluationContext {
    final Frame frame;
    boolean wasNull;

    EvaluationContext(Frame frame) {
        this.frame = frame;
    }

    /** Yields SQL NULL from a numeric evaluator: {@code return context.yieldNull();}. */
    double yieldNull() {
        wasNull = true;
        return 0;
    }
}
