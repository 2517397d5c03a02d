package io.carrara.pipeline;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.format.MetadataReader;
import io.carrara.pipeline.format.ModelDirectory;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.format.StageMetadata;
import io.carrara.spi.schema.Schema;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoaderRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
        SavedStage top = readTop(directory);
        List<Stage> stages = isPipeline(top) ? loadStages(top, registry) : List.of(registry.load(top));
        return new SparkPipeline(top.uid(), top.metadata().sparkVersion(), stages);
    }

    /**
     * Checks, reading metadata files only, that the model saved in {@code directory} is laid out as
     * Spark saves it and names nothing outside itself: every stage directory its metadata names
     * (nested pipelines included, and the saves that RFormulaModel and OneVsRestModel keep inside
     * theirs) exists, holds the stage named, and lies inside {@code directory} with links followed.
     * Throws the {@link ModelException} that {@link #load} would for the same fault. Cheap enough
     * to run on upload, before anything is loaded; it doesn't check that stages are supported.
     */
    public static void checkLayout(Path directory) {
        checkLayout(directory, StageLoaderRegistry.discover());
    }

    /** Like {@link #checkLayout(Path)}, asking {@code registry}'s loaders which stages nest saves. */
    public static void checkLayout(Path directory, StageLoaderRegistry registry) {
        requireNonNull(directory, "directory is null");
        requireNonNull(registry, "registry is null");
        SavedStage top = readTop(directory);
        if (isPipeline(top)) {
            checkStages(top, registry);
        } else {
            registry.checkLayout(top);
        }
    }

    /**
     * The stages of a PipelineModel a stage saves inside its own directory (RFormulaModel's
     * {@code pipelineModel}), read with {@code registry}; errors name {@code owner}.
     */
    public static List<Stage> loadNestedStages(SavedStage owner, String name, StageLoaderRegistry registry) {
        requireNonNull(registry, "registry is null");
        return loadStages(nestedPipeline(owner, name), registry);
    }

    /** {@link #checkLayout} for the PipelineModel a stage saves inside its own directory. */
    public static void checkNestedLayout(SavedStage owner, String name, StageLoaderRegistry registry) {
        requireNonNull(registry, "registry is null");
        checkStages(nestedPipeline(owner, name), registry);
    }

    /** Binds stages in order, as a nested pipeline does, naming each in errors; re-enter the owner's name afterwards. */
    public static RowOperation[] compileStages(List<Stage> stages, StageBinder binder) {
        return compileAll(stages, binder);
    }

    private static SavedStage readTop(Path directory) {
        ModelDirectory model = ModelDirectory.of(directory);
        return new SavedStage(model, model.root(), 0, MetadataReader.read(model, model.root(), "model"));
    }

    private static SavedStage nestedPipeline(SavedStage owner, String name) {
        requireNonNull(owner, "owner is null");
        Path directory = owner.resolve(name);
        ModelDirectory model = owner.model();
        if (!Files.isDirectory(directory)) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, owner.description(),
                    "missing nested pipeline directory " + model.describe(directory));
        }
        StageMetadata metadata = MetadataReader.read(model, directory, owner.description() + " nested pipeline");
        if (!PIPELINE_MODEL.equals(metadata.className())) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, owner.description(),
                    model.describe(directory) + " holds a " + metadata.className() + ", expected a " + PIPELINE_MODEL);
        }
        return new SavedStage(model, directory, 0, metadata);
    }

    private static boolean isPipeline(SavedStage saved) {
        return PIPELINE_MODEL.equals(saved.className());
    }

    private static List<Stage> loadStages(SavedStage pipeline, StageLoaderRegistry registry) {
        List<Stage> stages = new ArrayList<>();
        forEachStage(pipeline, saved -> stages.add(isPipeline(saved)
                ? new NestedPipeline(saved.description(), loadStages(saved, registry))
                : registry.load(saved)));
        return stages;
    }

    private static void checkStages(SavedStage pipeline, StageLoaderRegistry registry) {
        forEachStage(pipeline, saved -> {
            if (isPipeline(saved)) {
                checkStages(saved, registry);
            } else {
                registry.checkLayout(saved);
            }
        });
    }

    /** Reads each stage of {@code pipeline} in order, checking where it lies, and hands it to {@code action}. */
    private static void forEachStage(SavedStage pipeline, Consumer<SavedStage> action) {
        ModelDirectory model = pipeline.model();
        List<String> stageUids = pipeline.params().getStringList("stageUids");
        int digits = Integer.toString(stageUids.size()).length();
        for (int index = 0; index < stageUids.size(); index++) {
            String stageUid = stageUids.get(index);
            String stage = "stage " + index + " (" + stageUid + ")";
            String problem = ModelDirectory.problemWith(stageUid);
            if (problem != null) {
                throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage, "the stage id leaves the model directory:"
                        + " it " + problem + "; " + ModelDirectory.RESAVE);
            }
            // Spark names stage directories <index zero-padded to the digits of the stage count>_<uid>.
            Path stageDirectory = model.resolve(pipeline.resolve("stages"), String.format("%0" + digits + "d_%s", index, stageUid), stage);
            if (!Files.isDirectory(stageDirectory)) {
                throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage,
                        "missing stage directory " + model.describe(stageDirectory));
            }
            StageMetadata stageMetadata = MetadataReader.read(model, stageDirectory, stage);
            if (!stageMetadata.uid().equals(stageUid)) {
                throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage,
                        "metadata in " + model.describe(stageDirectory) + " has uid " + stageMetadata.uid());
            }
            action.accept(new SavedStage(model, stageDirectory, index, stageMetadata));
        }
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
