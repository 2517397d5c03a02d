package io.carrara.pipeline.error;

import io.carrara.spi.error.CarraraException;
import java.util.Optional;

/**
 * The saved pipeline cannot be loaded or bound to an input schema. It names the stage (Spark uid
 * and class) when one is at fault, so a deployment can be refused with something to act on, e.g.
 * {@code stage 3 (fpgrowth_1a2b, org.apache.spark.ml.fpm.FPGrowthModel): unsupported stage}.
 */
public final class ModelException extends CarraraException {
    private static final long serialVersionUID = 1L;

    private final String stage;

    public ModelException(PipelineErrorCode code, String message) {
        this(code, null, message, null);
    }

    public ModelException(PipelineErrorCode code, String stage, String message) {
        this(code, stage, message, null);
    }

    public ModelException(PipelineErrorCode code, String stage, String message, Throwable cause) {
        super(code, stage == null ? message : stage + ": " + message, null, cause);
        this.stage = stage;
    }

    /** A description of the stage at fault, e.g. {@code stage 0 (strIdx_d244, StringIndexerModel)}. */
    public Optional<String> stage() {
        return Optional.ofNullable(stage);
    }
}
