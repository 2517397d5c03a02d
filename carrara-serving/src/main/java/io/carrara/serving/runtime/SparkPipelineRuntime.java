package io.carrara.serving.runtime;

import io.carrara.pipeline.SparkPipeline;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.schema.Schema;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Serves {@code spark-pipeline} artifacts with carrara-pipeline: the directory Spark's
 * {@code PipelineModel.save()} wrote, loaded once. JSON rows carry no schema, so the model compiles
 * the pipeline for each shape of rows it meets and keeps up to {@value #COMPILED_SHAPES} of them. An
 * instance that declares its inputs is compiled for them at load, so a pipeline that cannot take them
 * fails to load instead of failing every request.
 */
public final class SparkPipelineRuntime implements ModelRuntime {
    /** Distinct row shapes compiled per model; clients send one or two shapes, so this never fills in practice. */
    public static final int COMPILED_SHAPES = 16;

    @Override
    public ArtifactFormat format() {
        return ArtifactFormat.SPARK_PIPELINE;
    }

    /** Spark's metadata files and every stage directory they name, inside the model (see SparkPipeline.checkLayout). */
    @Override
    public void checkArtifact(Path directory) {
        SparkPipeline.checkLayout(directory);
    }

    @Override
    public LoadedModel load(Path directory, Optional<Schema> inputs) {
        return new SparkPipelineModel(SparkPipeline.load(directory), inputs, COMPILED_SHAPES);
    }
}
