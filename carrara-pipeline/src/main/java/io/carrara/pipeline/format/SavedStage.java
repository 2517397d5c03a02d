package io.carrara.pipeline.format;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * One stage directory of a save: its metadata, params, and Parquet {@code data/} read on demand.
 * {@link #description()} is what errors print, e.g.
 * {@code stage 0 (strIdx_d244, org.apache.spark.ml.feature.StringIndexerModel)}. Paths inside it
 * come from {@link #resolve}, which keeps them inside the model.
 */
public final class SavedStage {
    private final ModelDirectory model;
    private final Path directory;
    private final int index;
    private final StageMetadata metadata;
    private final String description;
    private final Params params;

    /** The stage saved in {@code directory}, a directory of {@code model} already checked by {@link ModelDirectory#resolve}. */
    public SavedStage(ModelDirectory model, Path directory, int index, StageMetadata metadata) {
        this.model = requireNonNull(model, "model is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.index = index;
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.description = "stage " + index + " (" + metadata.uid() + ", " + metadata.className() + ")";
        this.params = new Params(metadata.paramMap(), metadata.defaultParamMap(), description);
    }

    /** The model this stage belongs to. */
    public ModelDirectory model() {
        return model;
    }

    public Path directory() {
        return directory;
    }

    /**
     * The path {@code first/more...} inside this stage's directory, each name checked by
     * {@link ModelDirectory#resolve}; e.g. {@code resolve("data", "metadata")}.
     */
    public Path resolve(String first, String... more) {
        Path path = model.resolve(directory, first, description);
        for (String name : more) {
            path = model.resolve(path, name, description);
        }
        return path;
    }

    /** Rows of the Parquet directory {@code first/more...} inside this stage's directory, in part-file order. */
    public List<DataRecord> table(String first, String... more) {
        return ParquetTable.read(model, resolve(first, more), description);
    }

    /** Position in the enclosing pipeline, 0 for a directory holding one bare stage. */
    public int index() {
        return index;
    }

    public StageMetadata metadata() {
        return metadata;
    }

    public String uid() {
        return metadata.uid();
    }

    public String className() {
        return metadata.className();
    }

    public Params params() {
        return params;
    }

    public String description() {
        return description;
    }

    /** Rows of {@code data/}, in part-file order. */
    public List<DataRecord> data() {
        return table("data");
    }

    /** The single row most models save in {@code data/}. */
    public DataRecord singleDataRecord() {
        List<DataRecord> records = data();
        if (records.size() != 1) {
            throw params.invalid("expected one row in " + model.describe(resolve("data")) + ", found " + records.size());
        }
        return records.get(0);
    }
}
