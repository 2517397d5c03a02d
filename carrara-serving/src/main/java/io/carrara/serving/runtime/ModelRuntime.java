package io.carrara.serving.runtime;

import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.schema.Schema;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an instance's extracted artifact into a model that scores rows, for one artifact format.
 * The request path only sees {@link LoadedModel}, so a new format (python) is one more runtime
 * found by {@link ModelRuntimes}, nothing else.
 *
 * <pre>{@code
 * LoadedModel model = runtime.load(Path.of("cache/3f2a.../"), Optional.empty());  // once per instance, may be slow
 * List<ScoredRow> rows = model.score(List.of(Map.of("city", "nyc", "distance", 3.2)));  // per request
 * }</pre>
 *
 * Implementations are listed in {@code META-INF/services/io.carrara.serving.runtime.ModelRuntime}.
 */
public interface ModelRuntime {
    /** The artifact format this runtime loads. */
    ArtifactFormat format();

    /**
     * Loads the artifact in {@code directory} (a zip artifact extracted, or a file artifact as the
     * single file {@value ModelRuntimes#FILE_ARTIFACT_NAME}); throws a {@link io.carrara.spi.error.CarraraException}
     * naming what is wrong with the model, which blocks the instance until it is redeployed.
     *
     * @param inputs the columns the model takes, when the instance declares them (its {@code inputSchema}
     *     metadata): the model must accept them, or the load fails, and it describes itself with them
     */
    LoadedModel load(Path directory, Optional<Schema> inputs);

    /**
     * Loads the artifact as {@link #load(Path, Optional)} does, for the instance {@code instance} with
     * its registry {@code metadata}: a runtime that runs processes of its own (python workers) names the
     * instance in their logs and in the errors requests get, and reads what the upload recorded (a
     * python model uploaded with {@code --skip-validation}). By default, neither is needed.
     */
    default LoadedModel load(Path directory, Optional<Schema> inputs, String instance, Map<String, String> metadata) {
        return load(directory, inputs);
    }

    /**
     * Checks an uploaded artifact's files without loading the model: that the format's own files are
     * there and name nothing outside {@code directory}. Runs when an instance is created, so a model
     * that cannot be read is refused then; throws a {@link io.carrara.spi.error.CarraraException}
     * naming what is wrong. By default, nothing is checked.
     */
    default void checkArtifact(Path directory) {
    }
}
