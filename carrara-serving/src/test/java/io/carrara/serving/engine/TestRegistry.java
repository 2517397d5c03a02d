package io.carrara.serving.engine;

import io.carrara.registry.ModelRegistry;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** A real registry on an in-memory H2 database and a file system blob store, with golden Spark pipelines uploaded. */
final class TestRegistry implements AutoCloseable {
    static final ModelRef TRIPS = new ModelRef("demand", "trips");
    static final ModelRef OTHER = new ModelRef("demand", "other");

    private final TestDatabases.TestDatabase testDatabase;
    private final RegistryDatabase database;
    private final FileSystemBlobStore blobs;
    final ModelRegistry registry;

    TestRegistry(Path blobRoot) {
        testDatabase = TestDatabases.create(DatabaseDialect.H2);
        database = RegistryDatabase.open(testDatabase.config());
        blobs = new FileSystemBlobStore(blobRoot);
        registry = new ModelRegistry(database, blobs);
        registry.createProject(new NewProject("demand", null), "alice");
        registry.createModel("demand", NewModel.named("trips"), "alice");
        registry.createModel("demand", NewModel.named("other"), "alice");
    }

    /** Uploads a golden pipeline directory, zipped, as a new instance of {@code model}. */
    Instance upload(ModelRef model, String golden) {
        try {
            ByteArrayOutputStream zip = new ByteArrayOutputStream();
            ModelArchive.pack(GoldenModels.model(golden), zip);
            return create(model, zip.toByteArray(), "spark-pipeline", "zip");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An instance whose artifact is not a Spark pipeline, so loading it fails. */
    Instance uploadBroken(ModelRef model) {
        return create(model, "not a saved pipeline".getBytes(java.nio.charset.StandardCharsets.UTF_8), "spark-pipeline", "file");
    }

    Instance create(ModelRef model, byte[] bytes, String format, String packaging) {
        try {
            StoredBlob blob = blobs.put(new ByteArrayInputStream(bytes), Long.MAX_VALUE);
            return registry.createInstance(model, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), format, packaging),
                    Map.of(), null), "alice");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        database.close();
        blobs.close();
        testDatabase.close();
    }
}
