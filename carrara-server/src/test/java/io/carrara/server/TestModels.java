package io.carrara.server;

import io.carrara.registry.ModelRegistry;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Puts saved Spark pipelines into a test server's registry, as an upload through the API would. */
public final class TestModels {
    private TestModels() {}

    /**
     * Zips {@code directory} into the blob store and creates an instance of {@code model} on it (a
     * spark-pipeline zip artifact with {@code metadata}), creating the project and model first if
     * they are missing.
     */
    public static Instance uploadPipeline(ModelRegistry registry, ModelRef model, Path directory, Map<String, String> metadata) {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try {
            ModelArchive.pack(directory, zip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uploadZip(registry, model, zip.toByteArray(), metadata);
    }

    /**
     * As {@link #uploadZip}, through a registry without the server's artifact checks, on the server's
     * database and blob store: an instance the server would refuse today, as one uploaded before the
     * check existed is (e.g. a damaged Spark save, to see how serving copes with it).
     */
    public static Instance uploadUnchecked(CarraraServer server, ModelRef model, byte[] zip, Map<String, String> metadata) {
        try (RegistryDatabase database = RegistryDatabase.open(server.config().database())) {
            return uploadZip(new ModelRegistry(database, server.registry().blobStore()), model, zip, metadata);
        }
    }

    /** As {@link #uploadPipeline}, for a zip already made. */
    public static Instance uploadZip(ModelRegistry registry, ModelRef model, byte[] zip, Map<String, String> metadata) {
        if (registry.listProjects().stream().noneMatch(project -> project.name().equals(model.project()))) {
            registry.createProject(new NewProject(model.project(), null), "tests");
        }
        if (registry.listModels(model.project()).stream().noneMatch(existing -> existing.name().equals(model.name()))) {
            registry.createModel(model.project(), NewModel.named(model.name()), "tests");
        }
        StoredBlob blob;
        try {
            blob = registry.blobStore().put(new ByteArrayInputStream(zip), Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return registry.createInstance(model,
                new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "spark-pipeline", "zip"), metadata, null), "tests");
    }
}
