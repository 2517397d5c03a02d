package io.carrara.serving.runtime;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.ArtifactCheck;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.io.FileTrees;
import io.carrara.spi.model.ArtifactFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtimes' checks of an uploaded zip artifact, for the registry: the archive is extracted
 * (within the same limits as for serving) into a scratch directory, the format's runtime checks
 * the files ({@link ModelRuntime#checkArtifact}), and the directory is removed whatever happens. A
 * refusal names the field {@code artifact}.
 */
public final class RuntimeArtifactCheck implements ArtifactCheck {
    private final ModelRuntimes runtimes;
    private final Path scratch;
    private final ModelArchive.Limits limits;

    /**
     * @param scratch a directory under the server's home for the extracted copies; what a crash leaves
     *     there is removed with {@link #clean}
     */
    public RuntimeArtifactCheck(ModelRuntimes runtimes, Path scratch, ModelArchive.Limits limits) {
        this.runtimes = requireNonNull(runtimes, "runtimes is null");
        this.scratch = requireNonNull(scratch, "scratch is null");
        this.limits = requireNonNull(limits, "limits is null");
    }

    @Override
    public void check(ArtifactFormat format, Archive archive) throws IOException {
        if (format == ArtifactFormat.OPAQUE) {
            return;
        }
        Files.createDirectories(scratch);
        Path staging = Files.createTempDirectory(scratch, "check-");
        try {
            Path directory = staging.resolve("artifact");
            try (InputStream in = archive.open()) {
                ModelArchive.extract(in, directory, limits);
            }
            try {
                runtimes.checkArtifact(format, directory);
            } catch (CarraraException e) {
                throw new CarraraException(e.errorCode(), "the " + format.wireName() + " artifact cannot be read: "
                        + e.getMessage().replace(directory + java.io.File.separator, "").replace(directory.toString(),
                        "the model"), "artifact", e);
            }
        } finally {
            deleteTree(staging);
        }
    }

    /** Removes what checks interrupted by a crash left in {@code scratch}. */
    public static void clean(Path scratch) {
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (var entries = Files.list(scratch)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith("check-")) {
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + scratch, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        FileTrees.delete(root);
    }
}
