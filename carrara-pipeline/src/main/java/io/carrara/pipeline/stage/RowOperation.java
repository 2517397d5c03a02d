package io.carrara.pipeline.stage;

/**
 * One stage's work on one row: read input slots, write output slots. Returns {@code false} when
 * the row is dropped ({@code handleInvalid=skip}), as Spark's {@code transform} would filter it;
 * throws {@link io.carrara.pipeline.error.RowException} when Spark would fail the row.
 */
@FunctionalInterface
public interface RowOperation {
    boolean apply(Frame frame);
}
