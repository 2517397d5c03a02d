package io.carrara.pipeline;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.format.MetadataReader;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.format.StageMetadata;
import io.carrara.pipeline.schema.Schema;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoaderRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A saved Spark ML model, loaded: a {@code PipelineModel} directory (Spark 3.x or 4.x layout), or
 * a directory holding one saved stage such as a bare {@code LogisticRegressionModel}. Loading reads
 * every stage's metadata and data and fails with a {@link ModelException} naming any stage it
 * cannot score; {@link #compile(Schema)} then binds it to an input schema.
 */
public final class SparkPipeline {
    static final String PIPELINE_MODEL = "org.apache.spark.ml.PipelineModel";

    private final String uid;
    private final String sparkVersion;
    private final List<Stage> stages;

    private SparkPipeline(String uid, String sparkVersion, List<Stage> stages) {
        this.uid = requireNonNull(uid, "uid is null");
        this.sparkVersion = requireNonNull(sparkVersion, "sparkVersion is null");
        this.stages = List.copyOf(stages);
    }

    public static SparkPipeline load(Path directory) {
        return load(directory, StageLoaderRegistry.discover());
    }

    public static SparkPipeline load(Path directory, StageLoaderRegistry registry) {
        requireNonNull(directory, "directory is null");
        requireNonNull(registry, "registry is null");
        if (!Files.isDirectory(directory)) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, "model directory " + directory + " does not exist");
        }
        StageMetadata metadata = MetadataReader.read(directory, "model at " + directory);
        List<Stage> stages = PIPELINE_MODEL.equals(metadata.className())
                ? loadStages(directory, metadata, registry)
                : List.of(registry.load(new SavedStage(directory, 0, metadata)));
        return new SparkPipeline(metadata.uid(), metadata.sparkVersion(), stages);
    }

    /**
     * The stages of a PipelineModel a stage saves inside its own directory (RFormulaModel's
     * {@code pipelineModel}), read with {@code registry}; {@code owner} names the enclosing stage in errors.
     */
    public static List<Stage> loadNestedStages(Path directory, String owner, StageLoaderRegistry registry) {
        requireNonNull(directory, "directory is null");
        requireNonNull(registry, "registry is null");
        if (!Files.isDirectory(directory)) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, owner, "missing nested pipeline directory " + directory);
        }
        StageMetadata metadata = MetadataReader.read(directory, owner + " nested pipeline");
        if (!PIPELINE_MODEL.equals(metadata.className())) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, owner,
                    directory + " holds a " + metadata.className() + ", expected a " + PIPELINE_MODEL);
        }
        return loadStages(directory, metadata, registry);
    }

    /** Binds stages in order, as a nested pipeline does, naming each in errors; re-enter the owner's name afterwards. */
    public static RowOperation[] compileStages(List<Stage> stages, StageBinder binder) {
        return compileAll(stages, binder);
    }

    private static List<Stage> loadStages(Path directory, StageMetadata metadata, StageLoaderRegistry registry) {
        SavedStage pipeline = new SavedStage(directory, 0, metadata);
        List<String> stageUids = pipeline.params().getStringList("stageUids");
        int digits = Integer.toString(stageUids.size()).length();
        List<Stage> stages = new ArrayList<>(stageUids.size());
        for (int index = 0; index < stageUids.size(); index++) {
            String stageUid = stageUids.get(index);
            // Spark names stage directories <index zero-padded to the digits of the stage count>_<uid>.
            Path stageDirectory = directory.resolve("stages").resolve(String.format("%0" + digits + "d_%s", index, stageUid));
            if (!Files.isDirectory(stageDirectory)) {
                throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, "stage " + index + " (" + stageUid + ")",
                        "missing stage directory " + stageDirectory);
            }
            StageMetadata stageMetadata = MetadataReader.read(stageDirectory, "stage " + index + " (" + stageUid + ")");
            if (!stageMetadata.uid().equals(stageUid)) {
                throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, "stage " + index + " (" + stageUid + ")",
                        "metadata in " + stageDirectory + " has uid " + stageMetadata.uid());
            }
            SavedStage saved = new SavedStage(stageDirectory, index, stageMetadata);
            stages.add(PIPELINE_MODEL.equals(stageMetadata.className())
                    ? new NestedPipeline(saved.description(), loadStages(stageDirectory, stageMetadata, registry))
                    : registry.load(saved));
        }
        return stages;
    }

    public String uid() {
        return uid;
    }

    public String sparkVersion() {
        return sparkVersion;
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Binds every stage to {@code inputSchema}; a missing column or a type Spark would refuse is a {@link ModelException}. */
    public CompiledPipeline compile(Schema inputSchema) {
        requireNonNull(inputSchema, "inputSchema is null");
        StageBinder binder = new StageBinder(inputSchema.fields());
        RowOperation[] operations = compileAll(stages, binder);
        return new CompiledPipeline(inputSchema, binder.columns(), binder.slotCount(), operations);
    }

    static RowOperation[] compileAll(List<Stage> stages, StageBinder binder) {
        RowOperation[] operations = new RowOperation[stages.size()];
        for (int i = 0; i < operations.length; i++) {
            binder.enterStage(stages.get(i).description());
            operations[i] = stages.get(i).compile(binder);
        }
        return operations;
    }

    /** A PipelineModel saved as a stage of another: its stages run in order. */
    private record NestedPipeline(String description, List<Stage> stages) implements Stage {
        private NestedPipeline {
            requireNonNull(description, "description is null");
            stages = List.copyOf(stages);
        }

        @Override
        public RowOperation compile(StageBinder binder) {
            RowOperation[] operations = compileAll(stages, binder);
            binder.enterStage(description);
            return frame -> {
                for (RowOperation operation : operations) {
                    if (!operation.apply(frame)) {
                        return false;
                    }
                }
                return true;
            };
        }
    }
}
