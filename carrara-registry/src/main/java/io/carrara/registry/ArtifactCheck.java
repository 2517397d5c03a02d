package io.carrara.registry;

import io.carrara.spi.model.ArtifactFormat;
import java.io.IOException;
import java.io.InputStream;

/**
 * Checks an uploaded zip artifact for its format before its instance is committed, after the
 * archive itself passed {@link io.carrara.spi.archive.ModelArchive#validate}. The registry stores
 * models without knowing their formats; the server plugs in the runtimes' checks (a Spark save whose
 * metadata names a stage outside the model is refused at upload, not at the first deploy). A check
 * refuses by throwing a {@link io.carrara.spi.error.CarraraException} naming the field {@code artifact}.
 */
@FunctionalInterface
public interface ArtifactCheck {
    /** Accepts every archive: for registries that never serve (tests, tools). */
    ArtifactCheck NONE = (format, archive) -> { };

    /** Opens the uploaded archive; each call reads it from the start. */
    @FunctionalInterface
    interface Archive {
        InputStream open() throws IOException;
    }

    void check(ArtifactFormat format, Archive archive) throws IOException;
}
