package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.BLOB_CORRUPTED;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.api.Page;
import io.carrara.api.registry.Artifact;
import io.carrara.api.registry.Deprecation;
import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Metric;
import io.carrara.api.registry.Model;
import io.carrara.api.registry.NewMetric;
import io.carrara.api.registry.NewProvenance;
import io.carrara.api.registry.Packaging;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Instances of models: uploads (blob first), downloads, deprecation, metrics and search. Reached through
 * {@link CarraraClient#instances()}.
 */
public final class InstancesClient {
    private final Transport transport;

    InstancesClient(Transport transport) {
        this.transport = transport;
    }

    // ---- blobs

    /** Streams a file to the blob store, sending its SHA-256 so the server checks what it stored. */
    public StoredBlob uploadBlob(Path file, TransferProgress progress) {
        requireNonNull(progress, "progress is null");
        Transport.checkReadableFile(file);
        return transport.sendBlob(file, Transport.sha256Of(file), progress);
    }

    /**
     * Stores a stream as a blob. The stream is first copied to a temporary file, because its
     * SHA-256 travels in a header, ahead of the bytes; the copy is deleted afterwards.
     */
    public StoredBlob uploadBlob(InputStream content, TransferProgress progress) {
        requireNonNull(content, "content is null");
        requireNonNull(progress, "progress is null");
        Path temporary = Transport.createTemporaryFile("carrara-upload-", ".blob");
        try {
            String sha256 = Transport.writeHashing(temporary, out -> content.transferTo(out));
            return transport.sendBlob(temporary, sha256, progress);
        } finally {
            Transport.deleteQuietly(temporary);
        }
    }

    // ---- instances

    /** Commits a new instance whose artifact is already a blob; most callers want {@link #upload}. */
    public Instance create(ModelRef model, InstanceDefinition definition) {
        requireNonNull(definition, "definition is null");
        return transport.call(transport.request(Transport.modelPath(model) + "/instances").header("Content-Type", "application/json")
                .POST(transport.jsonBody(definition.toRequest())), transport.type(Instance.class));
    }

    /**
     * Uploads a model as a new instance, blob first. A directory travels as a deterministic ZIP
     * ({@link ModelArchive#pack}, packaging {@code zip}), a file as is (packaging {@code file}, its
     * name kept in the provenance's {@code fileName}). The client records itself in the provenance's
     * {@code client}: {@code carraraVersion}, {@code javaVersion}, {@code os} and {@code arch}.
     */
    public Instance upload(
            ModelRef model,
            Path fileOrDirectory,
            ArtifactFormat format,
            Map<String, String> metadata,
            TransferProgress progress) {
        requireNonNull(model, "model is null");
        requireNonNull(fileOrDirectory, "fileOrDirectory is null");
        requireNonNull(format, "format is null");
        requireNonNull(metadata, "metadata is null");
        requireNonNull(progress, "progress is null");
        if (!Files.exists(fileOrDirectory)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    fileOrDirectory + " does not exist; pass a model file or directory", "path");
        }
        // Fail on an unknown model before moving any bytes.
        transport.call(transport.request(Transport.modelPath(model)).GET(), transport.type(Model.class));
        String fileName = null;
        StoredBlob blob;
        Packaging packaging;
        if (Files.isDirectory(fileOrDirectory)) {
            packaging = Packaging.ZIP;
            Path archive = Transport.createTemporaryFile("carrara-upload-", ".zip");
            try {
                String sha256 = Transport.writeHashing(archive, out -> ModelArchive.pack(fileOrDirectory, out));
                blob = transport.sendBlob(archive, sha256, progress);
            } finally {
                Transport.deleteQuietly(archive);
            }
        } else {
            packaging = Packaging.FILE;
            Transport.checkReadableFile(fileOrDirectory);
            fileName = fileOrDirectory.getFileName().toString();
            blob = transport.sendBlob(fileOrDirectory, Transport.sha256Of(fileOrDirectory), progress);
        }
        return create(model, new InstanceDefinition(blob.sha256(), format, packaging, metadata,
                new NewProvenance(fileName, CarraraClient.clientProvenance(), null, Map.of())));
    }

    public Instance get(UUID id) {
        return transport.call(transport.request(Transport.instancePath(id)).GET(), transport.type(Instance.class));
    }

    /** A page of a model's instances, newest first. */
    public Page<Instance> list(ModelRef model, int limit, int offset) {
        return transport.call(transport.request(Transport.withPage(Transport.modelPath(model) + "/instances", limit, offset)).GET(), transport.pageOf(Instance.class));
    }

    /** Every instance of a model, newest first, following pages. */
    public List<Instance> list(ModelRef model) {
        requireNonNull(model, "model is null");
        return Transport.all((limit, offset) -> list(model, limit, offset));
    }

    /**
     * Downloads an instance's artifact into {@code targetDirectory} and checks its SHA-256 before
     * anything appears there. A {@code zip} artifact is extracted with {@link ModelArchive#extract}
     * into the directory, which must be new or empty; a {@code file} artifact is written as
     * {@code targetDirectory/<its uploaded file name>} (or {@value CarraraClient#DEFAULT_FILE_NAME}), never over
     * an existing file. Returns what was written: the directory or the file.
     */
    public Path download(UUID id, Path targetDirectory, TransferProgress progress) {
        requireNonNull(id, "id is null");
        requireNonNull(targetDirectory, "targetDirectory is null");
        requireNonNull(progress, "progress is null");
        Instance instance = get(id);
        Artifact artifact = instance.artifact();
        Path target = targetDirectory.toAbsolutePath().normalize();
        Path destination = artifact.packaging() == Packaging.ZIP
                ? checkEmptyDirectory(target)
                : checkNewFile(target, fileNameOf(instance));

        HttpResponse<InputStream> response = transport.send(transport.request(Transport.instancePath(id) + "/artifact").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Path temporary = null;
        try (InputStream body = response.body()) {
            if (response.statusCode() >= 400) {
                throw transport.errorOf(response.statusCode(), body.readAllBytes());
            }
            String expected = response.headers().firstValue(CarraraClient.SHA256_HEADER).orElse(artifact.sha256());
            if (!expected.equals(artifact.sha256())) {
                throw new CarraraClientException(BLOB_CORRUPTED.name(),
                        "instance " + id + " records artifact " + artifact.sha256() + " but the server sent "
                                + expected + "; report this to the server's operator",
                        null, response.statusCode(), null);
            }
            Packaging packaging = artifact.packaging();
            progress.start(response.headers().firstValueAsLong("Content-Length").orElse(artifact.size()));
            // The bytes become visible only once verified: a file lands beside its destination and is
            // renamed into place, a ZIP waits in the temporary directory and is extracted afterwards.
            if (packaging == Packaging.FILE) {
                Files.createDirectories(target);
            }
            temporary = packaging == Packaging.ZIP
                    ? Transport.createTemporaryFile("carrara-download-", ".zip")
                    : Files.createTempFile(target, ".carrara-download-", ".part");
            String actual = Transport.copyHashing(body, temporary, progress);
            if (!actual.equals(expected)) {
                throw new CarraraClientException(BLOB_CORRUPTED.name(),
                        "the artifact of instance " + id + " arrived with SHA-256 " + actual + " instead of "
                                + expected + "; nothing was written, download it again",
                        null, response.statusCode(), null);
            }
            if (packaging == Packaging.ZIP) {
                // extract() renames a complete staging directory into place, so the target must not
                // exist; an empty directory made for the download goes first (delete refuses a non-empty one).
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(target);
                }
                try (InputStream archive = Files.newInputStream(temporary)) {
                    ModelArchive.extract(archive, target);
                }
                return target;
            }
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE);
            return destination;
        } catch (IOException e) {
            throw Transport.localFailure("cannot download instance " + id + " into " + target, e);
        } finally {
            if (temporary != null) {
                Transport.deleteQuietly(temporary);
            }
        }
    }

    public Instance deprecate(UUID id, String reason) {
        requireNonNull(reason, "reason is null");
        return transport.call(transport.request(Transport.instancePath(id) + "/deprecate").header("Content-Type", "application/json")
                .POST(transport.jsonBody(new Deprecation(reason))), transport.type(Instance.class));
    }

    // ---- annotations

    /** An instance's annotations (its mutable notes), by key. */
    public List<io.carrara.api.registry.Annotation> annotations(UUID id) {
        Page<io.carrara.api.registry.Annotation> page = transport.call(transport.request(Transport.instancePath(id) + "/annotations")
                .GET(), transport.pageOf(io.carrara.api.registry.Annotation.class));
        return page.items();
    }

    /** Sets an instance's annotation {@code key} to {@code value}. */
    public io.carrara.api.registry.Annotation annotate(UUID id, String key, String value) {
        requireNonNull(value, "value is null");
        return transport.call(transport.request(Transport.instancePath(id) + "/annotations/" + Transport.segment(key, "key"))
                .header("Content-Type", "application/json").PUT(transport.jsonBody(new io.carrara.api.registry.AnnotationValue(value))),
                transport.type(io.carrara.api.registry.Annotation.class));
    }

    /** Removes an instance's annotation {@code key}; answers what it was. */
    public io.carrara.api.registry.Annotation removeAnnotation(UUID id, String key) {
        return transport.call(transport.request(Transport.instancePath(id) + "/annotations/" + Transport.segment(key, "key")).DELETE(),
                transport.type(io.carrara.api.registry.Annotation.class));
    }

    // ---- metrics

    public Metric addMetric(UUID instance, MetricDefinition metric) {
        requireNonNull(metric, "metric is null");
        NewMetric body = new NewMetric(metric.name(), metric.scope(), metric.value(), metric.data(),
                metric.metadata().isEmpty() ? null : metric.metadata());
        return transport.call(transport.request(Transport.instancePath(instance) + "/metrics").header("Content-Type", "application/json")
                .POST(transport.jsonBody(body)), transport.type(Metric.class));
    }

    /** A page of an instance's metrics, oldest first. */
    public Page<Metric> listMetrics(UUID instance, int limit, int offset) {
        return transport.call(transport.request(Transport.withPage(Transport.instancePath(instance) + "/metrics", limit, offset)).GET(), transport.pageOf(Metric.class));
    }

    /** Every metric of an instance, oldest first, following pages. */
    public List<Metric> listMetrics(UUID instance) {
        requireNonNull(instance, "instance is null");
        return Transport.all((limit, offset) -> listMetrics(instance, limit, offset));
    }

    // ---- search and events

    /**
     * Finds instances with the filter language of {@code docs/api.md}, e.g.
     * {@code meta.city = 'nyc' AND NOT deprecated}. A null {@code limit} or {@code offset} leaves
     * the choice to the filter's own {@code LIMIT}/{@code OFFSET} or the server's default.
     */
    public Page<Instance> search(String filter, Integer limit, Integer offset) {
        requireNonNull(filter, "filter is null");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("q", filter);
        parameters.put("limit", limit);
        parameters.put("offset", offset);
        return transport.call(transport.request(Transport.withQuery("/api/v1/search", parameters)).GET(), transport.pageOf(Instance.class));
    }

    // ---- local files

    private static String fileNameOf(Instance instance) {
        String name = instance.provenance().fileName();
        // The name comes from whoever uploaded; accept a plain file name and nothing that could escape.
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            return CarraraClient.DEFAULT_FILE_NAME;
        }
        return name;
    }

    private static Path checkEmptyDirectory(Path target) {
        if (Files.isDirectory(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new CarraraException(INVALID_ARGUMENT,
                            target + " is not empty; download a model directory into a new or empty directory",
                            "targetDirectory");
                }
            } catch (IOException e) {
                throw Transport.localFailure("cannot read " + target, e);
            }
        } else if (Files.exists(target)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    target + " is a file; pass a new or empty directory", "targetDirectory");
        }
        return target;
    }

    private static Path checkNewFile(Path target, String fileName) {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    target + " is a file; pass a directory to download into", "targetDirectory");
        }
        Path file = target.resolve(fileName);
        if (Files.exists(file)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    file + " already exists; remove it or download into another directory", "targetDirectory");
        }
        return file;
    }
}
