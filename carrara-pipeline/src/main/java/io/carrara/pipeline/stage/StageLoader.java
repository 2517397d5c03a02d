package io.carrara.pipeline.stage;

import io.carrara.pipeline.format.SavedStage;
import java.util.Set;

/**
 * Reads one kind of saved Spark stage. Implementations are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/io.carrara.pipeline.stage.StageLoader}) by the Spark class
 * name in the stage's metadata; each must have a parity test against Spark in carrara-spark.
 *
 * <p>A loader reads params and data and validates them, throwing a
 * {@link io.carrara.pipeline.error.ModelException} naming the stage for anything Spark would not
 * have written; it does no per-row work.
 */
public interface StageLoader {
    /** Fully qualified Spark class names this loader reads, e.g. {@code org.apache.spark.ml.feature.StringIndexerModel}. */
    Set<String> sparkClassNames();

    Stage load(SavedStage saved);

    /**
     * Checks, reading metadata files only, the saves this stage keeps inside its own directory,
     * for {@link io.carrara.pipeline.SparkPipeline#checkLayout}. Loaders of stages that save other
     * stages (RFormulaModel's pipeline, OneVsRestModel's binary models) override it; the rest have
     * nothing to check beyond what {@link SavedStage#resolve} already does when they load.
     */
    default void checkLayout(SavedStage saved) {
    }
}
