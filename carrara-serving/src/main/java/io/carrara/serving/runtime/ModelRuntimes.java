package io.carrara.serving.runtime;

import static io.carrara.serving.ServingErrorCode.FORMAT_UNSUPPORTED;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.schema.Schema;
import java.nio.file.Path;
import java.util.Optional;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The runtimes of this server by artifact format, found with {@link ServiceLoader}. Loading an
 * instance whose format has no runtime fails with {@code FORMAT_UNSUPPORTED}, saying so.
 */
public final class ModelRuntimes {
    /** The name under which a {@code file} artifact is placed in its directory. */
    public static final String FILE_ARTIFACT_NAME = "artifact";

    private final Map<ArtifactFormat, ModelRuntime> runtimes;

    public ModelRuntimes(List<ModelRuntime> runtimes) {
        requireNonNull(runtimes, "runtimes is null");
        Map<ArtifactFormat, ModelRuntime> byFormat = new EnumMap<>(ArtifactFormat.class);
        for (ModelRuntime runtime : runtimes) {
            ModelRuntime previous = byFormat.put(runtime.format(), runtime);
            if (previous != null) {
                throw new IllegalArgumentException("two runtimes for " + runtime.format() + ": "
                        + previous.getClass().getName() + " and " + runtime.getClass().getName());
            }
        }
        this.runtimes = Map.copyOf(byFormat);
    }

    /** The runtimes on the class path. */
    public static ModelRuntimes discover() {
        return new ModelRuntimes(ServiceLoader.load(ModelRuntime.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** Checks an uploaded artifact's files with the runtime of {@code format}, if there is one (see {@link ModelRuntime#checkArtifact}). */
    public void checkArtifact(ArtifactFormat format, Path directory) {
        requireNonNull(format, "format is null");
        requireNonNull(directory, "directory is null");
        ModelRuntime runtime = runtimes.get(format);
        if (runtime != null) {
            runtime.checkArtifact(directory);
        }
    }

    /** Loads {@code directory} with the runtime of {@code format}, with no declared inputs. */
    public LoadedModel load(ArtifactFormat format, Path directory) {
        return load(format, directory, Optional.empty());
    }

    /** Loads {@code directory} with the runtime of {@code format}; see {@link ModelRuntime#load}. */
    public LoadedModel load(ArtifactFormat format, Path directory, Optional<Schema> inputs) {
        return load(format, directory, inputs, directory.getFileName() == null ? "" : directory.getFileName().toString(), Map.of());
    }

    /** Loads {@code directory}, the artifact of instance {@code instance} with its {@code metadata}, with the runtime of {@code format}. */
    public LoadedModel load(ArtifactFormat format, Path directory, Optional<Schema> inputs, String instance,
            Map<String, String> metadata) {
        requireNonNull(instance, "instance is null");
        requireNonNull(metadata, "metadata is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(format, "format is null");
        requireNonNull(directory, "directory is null");
        ModelRuntime runtime = runtimes.get(format);
        if (runtime == null) {
            throw new CarraraException(FORMAT_UNSUPPORTED, switch (format) {
                case OPAQUE -> "the artifact's format is opaque: Carrara stores it but cannot serve it;"
                        + " upload the model as spark-pipeline to deploy it";
                default -> "this server has no runtime for " + format + " artifacts";
            }, "format");
        }
        return runtime.load(directory, inputs, instance, metadata);
    }
}
