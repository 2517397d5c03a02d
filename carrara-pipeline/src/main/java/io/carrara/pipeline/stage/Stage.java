package io.carrara.pipeline.stage;

/**
 * A loaded, immutable stage. {@link #compile(StageBinder)} resolves its input columns to slots,
 * declares its output columns with Spark's names and types, and returns the per-row operation;
 * all name lookups and validation happen there, none per row.
 */
public interface Stage {
    /** How errors name the stage, e.g. {@code stage 0 (strIdx_d244, org.apache.spark.ml.feature.StringIndexerModel)}. */
    String description();

    RowOperation compile(StageBinder binder);
}
