package io.carrara.pipeline.format;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * One stage directory of a save: its metadata, params, and Parquet {@code data/} read on demand.
 * {@link #description()} is what errors print, e.g.
 * {@code stage 0 (strIdx_d244, org.apache.spark.ml.feature.StringIndexerModel)}.
 */
public final class SavedStage {
    private final Path directory;
    private final int index;
    private final StageMetadata metadata;
    private final String description;
    private final Params params;

    public SavedStage(Path directory, int index, StageMetadata metadata) {
        this.directory = requireNonNull(directory, "directory is null");
        this.index = index;
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.description = "stage " + index + " (" + metadata.uid() + ", " + metadata.className() + ")";
        this.params = new Params(metadata.paramMap(), metadata.defaultParamMap(), description);
    }

    public Path directory() {
        return directory;
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
        return ParquetTable.read(directory.resolve("data"), description);
    }

    /** The single row most models save in {@code data/}. */
    public DataRecord singleDataRecord() {
        List<DataRecord> records = data();
        if (records.size() != 1) {
            throw params.invalid("expected one row in " + directory.resolve("data") + ", found " + records.size());
        }
        return records.get(0);
    }
}
