package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.BLOB_CORRUPTED;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.api.Page;
import io.carrara.api.batch.BatchJob;
import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.DeploymentDefinition;
import io.carrara.api.deploy.DeploymentRevision;
import io.carrara.api.registry.Artifact;
import io.carrara.api.registry.Deprecation;
import io.carrara.api.registry.Event;
import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Lineage;
import io.carrara.api.registry.Metric;
import io.carrara.api.registry.Model;
import io.carrara.api.registry.NewMetric;
import io.carrara.api.registry.NewProject;
import io.carrara.api.registry.NewProvenance;
import io.carrara.api.registry.Packaging;
import io.carrara.api.registry.Project;
import io.carrara.api.feature.FeatureLoadReport;
import io.carrara.api.health.Health;
import io.carrara.api.table.ImportResult;
import io.carrara.api.table.TableDescription;
import io.carrara.api.table.TableSummary;
import io.carrara.api.workflow.NewWorkflowRun;
import io.carrara.api.workflow.Workflow;
import io.carrara.api.workflow.WorkflowBackfill;
import io.carrara.api.workflow.WorkflowRun;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The Java client of the Carrara HTTP API ({@code docs/api.md}): one typed method per endpoint,
 * plus {@link #upload} and {@link #download}, which move a model file or directory in and out, and
 * {@link #importTable} and {@link #exportTable}, which stream table rows to and from the server's Spark.
 *
 * <pre>{@code
 * CarraraClient client = CarraraClient.builder(URI.create("http://localhost:8080")).user("alice").build();
 * ModelRef eta = ModelRef.parse("demand/eta", "model");
 * Instance instance = client.upload(eta, Path.of("model/"), ArtifactFormat.SPARK_PIPELINE,
 *         Map.of("city", "nyc"), TransferProgress.NONE);
 * client.download(instance.id(), Path.of("copy/"), TransferProgress.NONE);
 * }</pre>
 *
 * Errors the server reports, and an unreachable server, raise {@link CarraraClientException};
 * bad arguments raise {@link CarraraException}; local file problems raise {@link UncheckedIOException}.
 * Instances are safe for concurrent use.
 */
public final class CarraraClient {
    public static final String USER_HEADER = "X-Carrara-User";
    public static final String SHA256_HEADER = "X-Carrara-Sha256";
    /** The header in which a table export reports how many rows it streams. */
    public static final String ROWS_HEADER = "X-Carrara-Rows";
    /** The file name {@link #download} uses when an artifact's original name is unknown or unsafe. */
    public static final String DEFAULT_FILE_NAME = "artifact";

    private static final int MAX_PAGE_SIZE = 1000;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final URI baseUri;
    private final String base;
    private final String user;
    private final Duration requestTimeout;
    /** How long a deploy may take: the server loads the models it routes to before it answers (its own limit is 10 minutes). */
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);
    private final HttpClient http;
    private final ObjectMapper json = CarraraJson.newObjectMapper();

    private CarraraClient(Builder builder) {
        this.baseUri = builder.baseUri;
        String text = builder.baseUri.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.user = builder.user;
        this.requestTimeout = builder.requestTimeout;
        this.http = HttpClient.newBuilder()
                // HTTP/1.1 keeps large streamed bodies simple: no h2c upgrade dance on a plain-text port.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    public URI baseUri() {
        return baseUri;
    }

    /** The name sent in {@value #USER_HEADER}, or empty when the server should record {@code anonymous}. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    // ---- health

    public Health health() {
        return call(request("/api/v1/health").GET(), type(Health.class));
    }

    // ---- projects

    public Project createProject(String name, String description) {
        Names.checkName(name, "project");
        return call(request("/api/v1/projects").header("Content-Type", "application/json")
                .POST(jsonBody(new NewProject(name, description))), type(Project.class));
    }

    public Project getProject(String name) {
        return call(request(projectPath(name)).GET(), type(Project.class));
    }

    public Page<Project> listProjects(int limit, int offset) {
        return call(request(withPage("/api/v1/projects", limit, offset)).GET(), pageOf(Project.class));
    }

    /** Every project, following pages. */
    public List<Project> listProjects() {
        return all(this::listProjects);
    }

    // ---- models

    public Model createModel(ModelRef model, ModelDefinition definition) {
        requireNonNull(model, "model is null");
        requireNonNull(definition, "definition is null");
        return call(request(projectPath(model.project()) + "/models").header("Content-Type", "application/json")
                .POST(jsonBody(definition.toRequest(model.name()))), type(Model.class));
    }

    public Model getModel(ModelRef model) {
        return call(request(modelPath(model)).GET(), type(Model.class));
    }

    public Page<Model> listModels(String project, int limit, int offset) {
        return call(request(withPage(projectPath(project) + "/models", limit, offset)).GET(), pageOf(Model.class));
    }

    /** Every model of a project, following pages. */
    public List<Model> listModels(String project) {
        Names.checkName(project, "project");
        return all((limit, offset) -> listModels(project, limit, offset));
    }

    /** Makes {@code model} depend on {@code upstream}; the server answers {@code CONFLICT} for a cycle. */
    public Model addDependency(ModelRef model, ModelRef upstream) {
        return call(request(dependencyPath(model, upstream)).PUT(HttpRequest.BodyPublishers.noBody()),
                type(Model.class));
    }

    public Model removeDependency(ModelRef model, ModelRef upstream) {
        return call(request(dependencyPath(model, upstream)).DELETE(), type(Model.class));
    }

    public Lineage lineage(ModelRef model) {
        return call(request(modelPath(model) + "/lineage").GET(), type(Lineage.class));
    }

    // ---- blobs

    /** Streams a file to the blob store, sending its SHA-256 so the server checks what it stored. */
    public StoredBlob uploadBlob(Path file, TransferProgress progress) {
        requireNonNull(progress, "progress is null");
        checkReadableFile(file);
        return sendBlob(file, sha256Of(file), progress);
    }

    /**
     * Stores a stream as a blob. The stream is first copied to a temporary file, because its
     * SHA-256 travels in a header, ahead of the bytes; the copy is deleted afterwards.
     */
    public StoredBlob uploadBlob(InputStream content, TransferProgress progress) {
        requireNonNull(content, "content is null");
        requireNonNull(progress, "progress is null");
        Path temporary = createTemporaryFile("carrara-upload-", ".blob");
        try {
            String sha256 = writeHashing(temporary, out -> content.transferTo(out));
            return sendBlob(temporary, sha256, progress);
        } finally {
            deleteQuietly(temporary);
        }
    }

    // ---- instances

    /** Commits a new instance whose artifact is already a blob; most callers want {@link #upload}. */
    public Instance createInstance(ModelRef model, InstanceDefinition definition) {
        requireNonNull(definition, "definition is null");
        return call(request(modelPath(model) + "/instances").header("Content-Type", "application/json")
                .POST(jsonBody(definition.toRequest())), type(Instance.class));
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
        getModel(model);
        String fileName = null;
        StoredBlob blob;
        Packaging packaging;
        if (Files.isDirectory(fileOrDirectory)) {
            packaging = Packaging.ZIP;
            Path archive = createTemporaryFile("carrara-upload-", ".zip");
            try {
                String sha256 = writeHashing(archive, out -> ModelArchive.pack(fileOrDirectory, out));
                blob = sendBlob(archive, sha256, progress);
            } finally {
                deleteQuietly(archive);
            }
        } else {
            packaging = Packaging.FILE;
            checkReadableFile(fileOrDirectory);
            fileName = fileOrDirectory.getFileName().toString();
            blob = sendBlob(fileOrDirectory, sha256Of(fileOrDirectory), progress);
        }
        return createInstance(model, new InstanceDefinition(blob.sha256(), format, packaging, metadata,
                new NewProvenance(fileName, clientProvenance(), null, Map.of())));
    }

    public Instance getInstance(UUID id) {
        return call(request(instancePath(id)).GET(), type(Instance.class));
    }

    /** A page of a model's instances, newest first. */
    public Page<Instance> listInstances(ModelRef model, int limit, int offset) {
        return call(request(withPage(modelPath(model) + "/instances", limit, offset)).GET(), pageOf(Instance.class));
    }

    /** Every instance of a model, newest first, following pages. */
    public List<Instance> listInstances(ModelRef model) {
        requireNonNull(model, "model is null");
        return all((limit, offset) -> listInstances(model, limit, offset));
    }

    /**
     * Downloads an instance's artifact into {@code targetDirectory} and checks its SHA-256 before
     * anything appears there. A {@code zip} artifact is extracted with {@link ModelArchive#extract}
     * into the directory, which must be new or empty; a {@code file} artifact is written as
     * {@code targetDirectory/<its uploaded file name>} (or {@value #DEFAULT_FILE_NAME}), never over
     * an existing file. Returns what was written: the directory or the file.
     */
    public Path download(UUID id, Path targetDirectory, TransferProgress progress) {
        requireNonNull(id, "id is null");
        requireNonNull(targetDirectory, "targetDirectory is null");
        requireNonNull(progress, "progress is null");
        Instance instance = getInstance(id);
        Artifact artifact = instance.artifact();
        Path target = targetDirectory.toAbsolutePath().normalize();
        Path destination = artifact.packaging() == Packaging.ZIP
                ? checkEmptyDirectory(target)
                : checkNewFile(target, fileNameOf(instance));

        HttpResponse<InputStream> response = send(request(instancePath(id) + "/artifact").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Path temporary = null;
        try (InputStream body = response.body()) {
            if (response.statusCode() >= 400) {
                throw errorOf(response.statusCode(), body.readAllBytes());
            }
            String expected = response.headers().firstValue(SHA256_HEADER).orElse(artifact.sha256());
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
                    ? createTemporaryFile("carrara-download-", ".zip")
                    : Files.createTempFile(target, ".carrara-download-", ".part");
            String actual = copyHashing(body, temporary, progress);
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
            throw localFailure("cannot download instance " + id + " into " + target, e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    public Instance deprecate(UUID id, String reason) {
        requireNonNull(reason, "reason is null");
        return call(request(instancePath(id) + "/deprecate").header("Content-Type", "application/json")
                .POST(jsonBody(new Deprecation(reason))), type(Instance.class));
    }

    // ---- metrics

    public Metric addMetric(UUID instance, MetricDefinition metric) {
        requireNonNull(metric, "metric is null");
        NewMetric body = new NewMetric(metric.name(), metric.scope(), metric.value(), metric.data(),
                metric.metadata().isEmpty() ? null : metric.metadata());
        return call(request(instancePath(instance) + "/metrics").header("Content-Type", "application/json")
                .POST(jsonBody(body)), type(Metric.class));
    }

    /** A page of an instance's metrics, oldest first. */
    public Page<Metric> listMetrics(UUID instance, int limit, int offset) {
        return call(request(withPage(instancePath(instance) + "/metrics", limit, offset)).GET(), pageOf(Metric.class));
    }

    /** Every metric of an instance, oldest first, following pages. */
    public List<Metric> listMetrics(UUID instance) {
        requireNonNull(instance, "instance is null");
        return all((limit, offset) -> listMetrics(instance, limit, offset));
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
        return call(request(withQuery("/api/v1/search", parameters)).GET(), pageOf(Instance.class));
    }

    /** Events with an id greater than {@code after}, oldest first. */
    public Page<Event> events(long after, int limit) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("after", after);
        parameters.put("limit", limit);
        return call(request(withQuery("/api/v1/events", parameters)).GET(), pageOf(Event.class));
    }

    // ---- deployments

    /**
     * Creates the deployment or replaces its configuration; {@link Deployment#outcome()} says which, or
     * unchanged. The server checks the definition and names the field at fault.
     */
    public Deployment deploy(DeploymentDefinition definition) {
        requireNonNull(definition, "definition is null");
        Names.checkName(definition.name(), "name");
        // The server loads the deployment's models before it answers, which may take minutes for a large artifact.
        return call(request("/api/v1/deployments").header("Content-Type", "application/json").POST(jsonBody(definition)),
                type(Deployment.class), max(requestTimeout, DEPLOY_TIMEOUT));
    }

    public Deployment getDeployment(String name) {
        return call(request(deploymentPath(name)).GET(), type(Deployment.class));
    }

    /** Every current deployment, by name. */
    public List<Deployment> listDeployments() {
        Page<Deployment> page = call(request("/api/v1/deployments").GET(), pageOf(Deployment.class));
        return page.items();
    }

    /** Every revision of the deployment, oldest first, undeploys included. */
    public List<DeploymentRevision> deploymentHistory(String name) {
        Page<DeploymentRevision> page = call(request(deploymentPath(name) + "/history").GET(),
                pageOf(DeploymentRevision.class));
        return page.items();
    }

    /**
     * The deployment's logged predictions made in {@code [from, to)}, oldest first, at most
     * {@code limit}; each is {@code {"id", "deployment", "instance", "input", "output", "latencyMicros",
     * "createdAt"}}. A null {@code from} or {@code to} leaves it to the server (the last 24 hours).
     */
    public List<JsonNode> loggedPredictions(String name, Instant from, Instant to, int limit) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("from", from);
        parameters.put("to", to);
        parameters.put("limit", limit);
        Page<JsonNode> page = call(request(withQuery(deploymentPath(name) + "/predictions", parameters)).GET(),
                pageOf(JsonNode.class));
        return page.items();
    }

    /** Removes the deployment and answers the {@code undeployed} revision; its history stays. */
    public DeploymentRevision undeploy(String name) {
        return call(request(deploymentPath(name)).DELETE(), type(DeploymentRevision.class));
    }

    /**
     * Scores rows with a deployment: the answer of {@code POST /api/v1/deployments/{name}/predict}
     * (one entry of {@code predictions} per row, in order: the scored row, {@code {"skipped": true}}
     * or {@code {"error": …, "column": …}}). {@code instance}, when not null, pins one instance.
     */
    public JsonNode predict(String deployment, List<? extends JsonNode> rows, UUID instance) {
        requireNonNull(rows, "rows is null");
        com.fasterxml.jackson.databind.node.ObjectNode body = json.createObjectNode();
        body.putArray("rows").addAll(rows);
        if (instance != null) {
            body.put("instance", instance.toString());
        }
        return call(request(deploymentPath(deployment) + "/predict").header("Content-Type", "application/json").POST(jsonBody(body)), type(JsonNode.class));
    }

    private static String deploymentPath(String name) {
        return "/api/v1/deployments/" + Names.checkName(name, "name");
    }

    // ---- online features

    /** Merges {@code features} into the entity {@code key} of {@code group}; a null value removes a feature. */
    public FeatureEntity putFeatures(String group, String key, Map<String, ?> features) {
        requireNonNull(features, "features is null");
        byte[] body;
        try {
            body = json.writeValueAsBytes(features);
        } catch (IOException e) {
            throw new CarraraException(INVALID_ARGUMENT, "features cannot be written as JSON: " + e.getMessage(), "features");
        }
        return featureEntity(call(request(featurePath(group, key)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), type(JsonNode.class)));
    }

    /** The entity's features, all of them when {@code features} is empty; NOT_FOUND when it has none of them. */
    public FeatureEntity getFeatures(String group, String key, List<String> features) {
        requireNonNull(features, "features is null");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("features", features.isEmpty() ? null : String.join(",", features));
        return featureEntity(call(request(withQuery(featurePath(group, key), parameters)).GET(), type(JsonNode.class)));
    }

    /** Removes the entity and all its features; NOT_FOUND when it has none. */
    public void deleteFeatures(String group, String key) {
        HttpResponse<byte[]> response = send(request(featurePath(group, key)).timeout(requestTimeout).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw errorOf(response.statusCode(), response.body());
        }
    }

    /**
     * Streams a JSON Lines or CSV file into the feature group, {@code keyColumn} naming the column
     * that holds each row's key; {@code progress} follows the bytes sent. Bad rows do not stop the
     * load: the report lists them with their line numbers.
     */
    public FeatureLoadReport loadFeatures(String group, Path file, String keyColumn, String format,
            TransferProgress progress) {
        requireNonNull(keyColumn, "keyColumn is null");
        requireNonNull(format, "format is null");
        requireNonNull(progress, "progress is null");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("key", keyColumn);
        parameters.put("format", format);
        return upload(file, withQuery("/api/v1/features/" + Names.checkName(group, "group"), parameters),
                "application/octet-stream", progress, FeatureLoadReport.class);
    }

    /** Streams {@code file} as the body of a POST to {@code pathAndQuery}, reporting the bytes sent to {@code progress}. */
    private <T> T upload(Path file, String pathAndQuery, String contentType, TransferProgress progress, Class<T> answer) {
        checkReadableFile(file);
        HttpRequest.BodyPublisher body;
        try {
            progress.start(Files.size(file));
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw localFailure("cannot read " + file, e);
        }
        // No request timeout: a big file rightly takes longer than any JSON call.
        HttpRequest request = request(pathAndQuery)
                .header("Content-Type", contentType)
                .POST(new CountingBodyPublisher(body, progress))
                .build();
        return decode(send(request, HttpResponse.BodyHandlers.ofByteArray()), type(answer));
    }

    private FeatureEntity featureEntity(JsonNode answer) {
        Map<String, Object> features = new LinkedHashMap<>();
        answer.path("features").fields().forEachRemaining(field -> features.put(field.getKey(), featureValue(field.getValue())));
        return new FeatureEntity(answer.path("group").asText(), answer.path("key").asText(), features);
    }

    private static Object featureValue(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            value.forEach(item -> items.add(featureValue(item)));
            return java.util.Collections.unmodifiableList(items);
        }
        return null;
    }

    private static String featurePath(String group, String key) {
        if (key == null || key.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, "key is required", "key");
        }
        return "/api/v1/features/" + Names.checkName(group, "group") + "/"
                + URLEncoder.encode(key, UTF_8).replace("+", "%20");
    }

    // ---- tables

    /**
     * Streams a CSV (with a header row) or JSON Lines file into a Spark table of the server's
     * catalog, creating the table and its database when new and replacing its rows unless
     * {@code append}. {@code inferSchema} asks Spark to infer column types from the data;
     * {@code schema} instead gives them as Spark DDL ({@code city STRING, distance_km DOUBLE}).
     * {@code progress} follows the bytes sent.
     */
    public ImportResult importTable(Path file, String table, TableFormat format, boolean inferSchema,
            Optional<String> schema, boolean append, TransferProgress progress) {
        TableNames.checkTable(table, "table");
        requireNonNull(format, "format is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(progress, "progress is null");
        if (schema.isPresent() && schema.get().isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "schema is empty; give Spark DDL like 'city STRING, distance_km DOUBLE' or leave it out", "schema");
        }
        if (inferSchema && schema.isPresent()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "give either a schema or inferSchema, not both: a schema already says every column's type", "schema");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("format", format.wireName());
        parameters.put("inferSchema", inferSchema);
        parameters.put("schema", schema.orElse(null));
        parameters.put("append", append);
        return upload(file, withQuery(tablePath(table) + "/import", parameters), format.mediaType(), progress,
                ImportResult.class);
    }

    /** The tables of one database, or of every database when {@code database} is empty. */
    public List<TableSummary> listTables(Optional<String> database) {
        requireNonNull(database, "database is null");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("database", database.map(name -> TableNames.checkDatabase(name, "database")).orElse(null));
        Page<TableSummary> page = call(request(withQuery("/api/v1/tables", parameters)).GET(), pageOf(TableSummary.class));
        return page.items();
    }

    /** A table's columns and partitioning, with its row count when {@code countRows} (which reads the whole table). */
    public TableDescription describeTable(String table, boolean countRows) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("rows", countRows ? "true" : null);
        HttpRequest.Builder request = request(withQuery(tablePath(table), parameters)).GET();
        if (!countRows) {
            return call(request, type(TableDescription.class));
        }
        // No request timeout: counting takes as long as reading the table.
        return decode(send(request.build(), HttpResponse.BodyHandlers.ofByteArray()), type(TableDescription.class));
    }

    /**
     * Streams a table's rows, those matching {@code where} (a Spark SQL condition such as
     * {@code execution_date = '2026-11-01'}) when given, into {@code output} as CSV with a header row
     * or JSON Lines, and returns the number of rows the server reported ({@value #ROWS_HEADER}), or
     * -1 when it reported none. The rows land in a hidden file beside {@code output} that replaces it
     * only once complete, so a failed export leaves no partial file and an existing one untouched.
     */
    public long exportTable(String table, TableFormat format, Optional<String> where, Path output) {
        TableNames.checkTable(table, "table");
        requireNonNull(format, "format is null");
        requireNonNull(where, "where is null");
        requireNonNull(output, "output is null");
        Path target = output.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    target + " is a directory; pass a file name such as rows." + format.wireName(), "output");
        }
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "directory " + directory + " does not exist; create it or write elsewhere", "output");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("format", format.wireName());
        parameters.put("where", where.filter(condition -> !condition.isBlank()).orElse(null));
        Path temporary;
        try {
            temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".partial");
        } catch (IOException e) {
            throw localFailure("cannot write in " + directory, e);
        }
        try {
            // No request timeout: the rows stream for as long as the table is big.
            HttpResponse<InputStream> response = send(request(withQuery(tablePath(table) + "/rows", parameters))
                    .setHeader("Accept", format.mediaType() + ", application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() >= 400) {
                    throw errorOf(response.statusCode(), body.readAllBytes());
                }
                Files.copy(body, temporary, StandardCopyOption.REPLACE_EXISTING);
            }
            long rows = rowsHeader(response);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return rows;
        } catch (IOException e) {
            throw localFailure("exporting " + table + " to " + target + " failed and wrote nothing", e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    private static long rowsHeader(HttpResponse<?> response) {
        try {
            return response.headers().firstValueAsLong(ROWS_HEADER).orElse(-1);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String tablePath(String table) {
        return "/api/v1/tables/" + TableNames.checkTable(table, "table");
    }

    // ---- batch jobs

    /** Queues a batch prediction; the job answered is {@code queued}: follow it with {@link #batchJob}. */
    public BatchJob submitBatchJob(BatchJobRequest job) {
        requireNonNull(job, "job is null");
        return call(request("/api/v1/batch/jobs").header("Content-Type", "application/json").POST(jsonBody(job.toRequest())),
                type(BatchJob.class));
    }

    public BatchJob batchJob(UUID id) {
        return call(request("/api/v1/batch/jobs/" + requireNonNull(id, "id is null")).GET(), type(BatchJob.class));
    }

    /**
     * Asks the server to cancel a queued or running batch job; the answer is the job as it is now.
     * It ends as failed with the error {@code CANCELLED}; follow it with {@link #batchJob}.
     */
    public BatchJob cancelBatchJob(UUID id) {
        return call(request("/api/v1/batch/jobs/" + requireNonNull(id, "id is null") + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()), type(BatchJob.class));
    }

    /** A page of batch jobs, newest first. */
    public Page<BatchJob> batchJobs(int limit, int offset) {
        return call(request(withPage("/api/v1/batch/jobs", limit, offset)).GET(), pageOf(BatchJob.class));
    }

    // ---- workflows

    /**
     * Registers a workflow from its YAML text, replacing one of the same name; the server's
     * scheduler then runs it on its {@code schedule}. A bad file answers {@code INVALID_ARGUMENT}
     * whose field is the path to the bad value, e.g. {@code steps[1].predict.output}.
     */
    public Workflow registerWorkflow(String definition) {
        checkDefinition(definition);
        return call(request("/api/v1/workflows").header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(definition, UTF_8)), type(Workflow.class));
    }

    /** Every registered workflow. */
    public List<Workflow> workflows() {
        Page<Workflow> page = call(request("/api/v1/workflows").GET(), pageOf(Workflow.class));
        return page.items();
    }

    public Workflow workflow(String name) {
        return call(request(workflowPath(name)).GET(), type(Workflow.class));
    }

    /** Stops scheduling the workflow and forgets its definition; its runs stay. */
    public void unregisterWorkflow(String name) {
        HttpResponse<byte[]> response = send(request(workflowPath(name)).timeout(requestTimeout).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw errorOf(response.statusCode(), response.body());
        }
    }

    /**
     * Queues a run of a workflow, given as YAML text, for {@code executionDate}; {@code instance},
     * when present, scores every predict step with that instance instead of the step's own.
     */
    public WorkflowRun runWorkflow(String definition, LocalDate executionDate, Optional<UUID> instance) {
        checkDefinition(definition);
        requireNonNull(executionDate, "executionDate is null");
        requireNonNull(instance, "instance is null");
        NewWorkflowRun body = new NewWorkflowRun(definition, executionDate, instance.orElse(null));
        return call(request("/api/v1/workflow-runs").header("Content-Type", "application/json").POST(jsonBody(body)),
                type(WorkflowRun.class));
    }

    /** Queues one run per date from {@code from} to {@code to} inclusive; the server runs them oldest first. */
    public List<WorkflowRun> backfillWorkflow(String definition, LocalDate from, LocalDate to, Optional<UUID> instance) {
        checkDefinition(definition);
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(instance, "instance is null");
        if (from.isAfter(to)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "from " + from + " is after to " + to + "; a backfill runs the dates from..to inclusive", "from");
        }
        WorkflowBackfill body = new WorkflowBackfill(definition, from, to, instance.orElse(null));
        JsonNode answer = call(request("/api/v1/workflow-runs/backfill").header("Content-Type", "application/json")
                .POST(jsonBody(body)), type(JsonNode.class));
        // The API's lists are {"items": [...]}; a bare array is read too.
        JsonNode items = answer.isArray() ? answer : answer.path("items");
        try {
            return List.copyOf(json.<List<WorkflowRun>>convertValue(items,
                    json.getTypeFactory().constructCollectionType(List.class, WorkflowRun.class)));
        } catch (IllegalArgumentException e) {
            throw new CarraraClientException("INTERNAL_ERROR",
                    "Carrara at " + base + " answered POST /api/v1/workflow-runs/backfill with runs this client cannot read ("
                            + e.getMessage().lines().findFirst().orElse("") + "); check that client and server versions match",
                    null, 0, e);
        }
    }

    /** Runs again the steps of a failed run that did not succeed. */
    public WorkflowRun retryWorkflowRun(UUID id) {
        return call(request(workflowRunPath(id) + "/retry").POST(HttpRequest.BodyPublishers.noBody()),
                type(WorkflowRun.class));
    }

    public WorkflowRun workflowRun(UUID id) {
        return call(request(workflowRunPath(id)).GET(), type(WorkflowRun.class));
    }

    /** A page of a workflow's runs, newest execution date first. */
    public Page<WorkflowRun> workflowRuns(String name, int limit, int offset) {
        return call(request(withPage(workflowPath(name) + "/runs", limit, offset)).GET(), pageOf(WorkflowRun.class));
    }

    private static void checkDefinition(String definition) {
        if (definition == null || definition.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "the workflow definition is empty; pass the YAML text of a workflow file", "definition");
        }
    }

    private static String workflowPath(String name) {
        return "/api/v1/workflows/" + Names.checkName(name, "name");
    }

    private static String workflowRunPath(UUID id) {
        return "/api/v1/workflow-runs/" + requireNonNull(id, "id is null");
    }

    // ---- provenance

    /** What this client records about itself with every upload. */
    public static Map<String, String> clientProvenance() {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("carraraVersion", carraraVersion());
        provenance.put("javaVersion", System.getProperty("java.version"));
        provenance.put("os", System.getProperty("os.name"));
        provenance.put("arch", System.getProperty("os.arch"));
        return provenance;
    }

    /** The version in this jar's manifest, or {@code dev} when running from classes. */
    public static String carraraVersion() {
        String version = CarraraClient.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    // ---- requests

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .header("Accept", "application/json");
        if (user != null) {
            builder.header(USER_HEADER, user);
        }
        return builder;
    }

    private <T> T call(HttpRequest.Builder request, JavaType answerType) {
        return call(request, answerType, requestTimeout);
    }

    private <T> T call(HttpRequest.Builder request, JavaType answerType, Duration timeout) {
        HttpResponse<byte[]> response = send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        return decode(response, answerType);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private <T> T decode(HttpResponse<byte[]> response, JavaType answerType) {
        if (response.statusCode() >= 400) {
            throw errorOf(response.statusCode(), response.body());
        }
        try {
            return json.readValue(response.body(), answerType);
        } catch (IOException | RuntimeException e) {
            throw new CarraraClientException("INTERNAL_ERROR",
                    "Carrara at " + base + " answered " + response.request().method() + " "
                            + response.request().uri().getPath() + " with a " + answerType.getRawClass().getSimpleName()
                            + " this client cannot read (" + e.getMessage().lines().findFirst().orElse("")
                            + "); check that client and server versions match",
                    null, response.statusCode(), e);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new CarraraClientException("UNAVAILABLE",
                    "Carrara at " + base + " did not answer " + request.method() + " " + request.uri().getPath()
                            + " within " + request.timeout().orElse(requestTimeout).toSeconds() + "s; check the server's health",
                    null, 0, e);
        } catch (IOException e) {
            if (causedByConnectionFailure(e)) {
                throw unreachable(e);
            }
            throw new CarraraClientException("UNAVAILABLE",
                    request.method() + " " + request.uri().getPath() + " to Carrara at " + base + " failed: "
                            + describe(e),
                    null, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CarraraClientException("UNAVAILABLE",
                    "interrupted while waiting for Carrara at " + base, null, 0, e);
        }
    }

    private CarraraClientException unreachable(Exception cause) {
        return new CarraraClientException("UNAVAILABLE",
                "cannot reach Carrara at " + base + "; start it with ./carrara up or pass --server URL",
                null, 0, cause);
    }

    private static boolean causedByConnectionFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof UnresolvedAddressException
                    || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private CarraraClientException errorOf(int status, byte[] body) {
        try {
            JsonNode error = json.readTree(body);
            if (error != null && error.hasNonNull("code") && error.hasNonNull("message")) {
                JsonNode field = error.get("field");
                ErrorCode code = CarraraClientException.fromWire(error.get("code").asText(),
                        error.hasNonNull("number") && error.get("number").canConvertToInt() ? error.get("number").asInt() : null,
                        error.hasNonNull("type") ? error.get("type").asText() : null, status);
                return new CarraraClientException(code, error.get("message").asText(),
                        field == null || field.isNull() ? null : field.asText(), status, null);
            }
        } catch (IOException e) {
            // Not Carrara's error body (a proxy's HTML page, say); report the status and the text below.
        }
        String text = new String(body, UTF_8).strip();
        return new CarraraClientException(status >= 500 ? "INTERNAL_ERROR" : "INVALID_ARGUMENT",
                "Carrara at " + base + " answered HTTP " + status
                        + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(200, text.length()))),
                null, status, null);
    }

    private StoredBlob sendBlob(Path file, String sha256, TransferProgress progress) {
        HttpRequest.BodyPublisher body;
        try {
            progress.start(Files.size(file));
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw localFailure("cannot read " + file, e);
        }
        // No request timeout: sending a large artifact may rightly take longer than any JSON call.
        HttpRequest request = request("/api/v1/blobs")
                .header(SHA256_HEADER, sha256)
                .header("Content-Type", "application/octet-stream")
                .POST(new CountingBodyPublisher(body, progress))
                .build();
        StoredBlob blob = decode(send(request, HttpResponse.BodyHandlers.ofByteArray()), type(StoredBlob.class));
        if (!blob.sha256().equals(sha256)) {
            throw new CarraraClientException(BLOB_CORRUPTED.name(),
                    "Carrara stored blob " + blob.sha256() + " for bytes whose SHA-256 is " + sha256
                            + "; report this to the server's operator",
                    null, 0, null);
        }
        return blob;
    }

    private ObjectNode stringMap(Map<String, String> map) {
        ObjectNode node = json.createObjectNode();
        map.forEach(node::put);
        return node;
    }

    private HttpRequest.BodyPublisher jsonBody(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putIfPresent(ObjectNode body, String name, String value) {
        if (value != null) {
            body.put(name, value);
        }
    }

    private JavaType type(Class<?> type) {
        return json.getTypeFactory().constructType(type);
    }

    private JavaType pageOf(Class<?> itemType) {
        return json.getTypeFactory().constructParametricType(Page.class, itemType);
    }

    private static <T> List<T> all(BiFunction<Integer, Integer, Page<T>> pages) {
        List<T> items = new ArrayList<>();
        int offset = 0;
        while (true) {
            Page<T> page = pages.apply(MAX_PAGE_SIZE, offset);
            items.addAll(page.items());
            // A server that does not move forward would loop forever; stop instead.
            if (!page.hasMore() || page.nextOffset() <= offset) {
                return List.copyOf(items);
            }
            offset = page.nextOffset();
        }
    }

    // ---- paths

    private static String projectPath(String project) {
        return "/api/v1/projects/" + Names.checkName(project, "project");
    }

    private static String modelPath(ModelRef model) {
        requireNonNull(model, "model is null");
        return projectPath(model.project()) + "/models/" + model.name();
    }

    private static String dependencyPath(ModelRef model, ModelRef upstream) {
        requireNonNull(upstream, "upstream is null");
        return modelPath(model) + "/dependencies/" + upstream.project() + "/" + upstream.name();
    }

    private static String instancePath(UUID id) {
        return "/api/v1/instances/" + requireNonNull(id, "id is null");
    }

    private static String withPage(String path, int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "limit must be at least 1 and offset at least 0, got " + limit + " and " + offset, "limit");
        }
        return path + "?limit=" + limit + "&offset=" + offset;
    }

    private static String withQuery(String path, Map<String, Object> parameters) {
        StringBuilder uri = new StringBuilder(path);
        char separator = '?';
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            if (parameter.getValue() != null) {
                // URLEncoder writes a space as '+', which some servers keep as a plus sign; %20 is unambiguous.
                String value = URLEncoder.encode(parameter.getValue().toString(), UTF_8).replace("+", "%20");
                uri.append(separator).append(parameter.getKey()).append('=').append(value);
                separator = '&';
            }
        }
        return uri.toString();
    }

    // ---- local files

    private static String fileNameOf(Instance instance) {
        String name = instance.provenance().fileName();
        // The name comes from whoever uploaded; accept a plain file name and nothing that could escape.
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            return DEFAULT_FILE_NAME;
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
                throw localFailure("cannot read " + target, e);
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

    private static void checkReadableFile(Path file) {
        requireNonNull(file, "file is null");
        if (!Files.isRegularFile(file)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    file + (Files.exists(file) ? " is not a regular file" : " does not exist"), "path");
        }
        if (!Files.isReadable(file)) {
            throw new CarraraException(INVALID_ARGUMENT, file + " is not readable", "path");
        }
    }

    private static String sha256Of(Path file) {
        MessageDigest digest = BlobDigests.newSha256();
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw localFailure("cannot read " + file, e);
        }
        return BlobDigests.hex(digest.digest());
    }

    /** Writes a file through {@code writer} and returns the SHA-256 of what was written. */
    private static String writeHashing(Path file, StreamWriter writer) {
        MessageDigest digest = BlobDigests.newSha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            writer.writeTo(out);
        } catch (IOException e) {
            throw localFailure("cannot write " + file, e);
        }
        return BlobDigests.hex(digest.digest());
    }

    private static String copyHashing(InputStream in, Path file, TransferProgress progress) throws IOException {
        MessageDigest digest = BlobDigests.newSha256();
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        long copied = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                copied += n;
                progress.accept(copied);
            }
        }
        return BlobDigests.hex(digest.digest());
    }

    private static Path createTemporaryFile(String prefix, String suffix) {
        try {
            return Files.createTempFile(prefix, suffix);
        } catch (IOException e) {
            throw localFailure("cannot create a temporary file in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file is harmless, and the original failure matters more.
        }
    }

    private static UncheckedIOException localFailure(String what, IOException e) {
        return new UncheckedIOException(what + ": " + describe(e), e);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + e.getMessage();
        }
        if (e instanceof FileAlreadyExistsException) {
            return e.getMessage() + " already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return e.getMessage() + " is not empty";
        }
        if (e instanceof NotDirectoryException) {
            return e.getMessage() + " is not a directory";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName().toLowerCase(Locale.ROOT) : message;
    }

    @FunctionalInterface
    private interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Settings of a {@link CarraraClient}; only the base URI is required. */
    public static final class Builder {
        private final URI baseUri;
        private String user;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);

        private Builder(URI baseUri) {
            requireNonNull(baseUri, "baseUri is null");
            String scheme = baseUri.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || baseUri.getHost() == null) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "server '" + baseUri + "' is not an http(s) URL like http://localhost:8080", "server");
            }
            this.baseUri = baseUri;
        }

        /** The name recorded as creator of what this client writes; without one the server records {@code anonymous}. */
        public Builder user(String user) {
            if (user != null && (user.isBlank() || !user.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "user '" + user + "' must be printable ASCII without spaces", "user");
            }
            this.user = user;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Bounds every call except blob uploads and downloads, whose duration grows with their size. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requirePositive(requestTimeout, "requestTimeout");
            return this;
        }

        public CarraraClient build() {
            return new CarraraClient(this);
        }

        private static Duration requirePositive(Duration duration, String name) {
            requireNonNull(duration, name + " is null");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }
    }
}
