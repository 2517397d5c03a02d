package io.carrara.registry;

import static io.carrara.registry.RegistryErrorCode.BLOB_MISSING;
import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.now;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.registry.RegistryErrorCode.DEPENDENCY_CYCLE;
import static io.carrara.spi.error.StandardErrorCode.ALREADY_EXISTS;
import static io.carrara.spi.error.StandardErrorCode.INTERNAL_ERROR;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Artifact;
import io.carrara.registry.model.ArtifactPackaging;
import io.carrara.registry.model.Event;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Lineage;
import io.carrara.registry.model.Lineage.DownstreamNode;
import io.carrara.registry.model.Lineage.UpstreamNode;
import io.carrara.registry.model.Metric;
import io.carrara.registry.model.Model;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.registry.model.Page;
import io.carrara.registry.model.Project;
import io.carrara.registry.search.CompiledSearch;
import io.carrara.registry.search.SearchCompiler;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The model registry: projects, models, immutable instances, append-only metrics, the model
 * dependency graph and the event outbox, over one relational database and one blob store.
 *
 * <pre>{@code
 * StoredBlob blob = blobStore.put(in, maxBytes);                 // 1. blob first
 * Instance instance = registry.createInstance(ref,               // 2. metadata in one transaction
 *         new NewInstance(new ArtifactSpec(blob.sha256(), "spark-pipeline", "zip"), meta, provenance), "alice");
 * }</pre>
 *
 * Every method validates its input and throws {@link CarraraException} naming the offending field;
 * a failed call writes nothing.
 */
public final class ModelRegistry {
    public static final Set<String> METRIC_SCOPES = Set.of("training", "validation", "production");
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final int MAX_METADATA_VALUE = 512;
    private static final int MAX_PROVENANCE_VALUE = 1024;
    private static final int MAX_TEXT = 4000;
    private static final int MAX_ENTRIES = 200;
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

    private final RegistryDatabase database;
    private final Jdbi jdbi;
    private final BlobStore blobStore;
    private final RegistryHooks hooks;
    private final ModelArchive.Limits archiveLimits;
    private final ArtifactCheck artifactCheck;
    private final SearchCompiler searchCompiler = new SearchCompiler();
    private final ObjectMapper json = RegistryJson.mapper();
    private final Map<String, String> serverProvenance;

    public ModelRegistry(RegistryDatabase database, BlobStore blobStore) {
        this(database, blobStore, RegistryHooks.NONE);
    }

    public ModelRegistry(RegistryDatabase database, BlobStore blobStore, RegistryHooks hooks) {
        this(database, blobStore, hooks, ModelArchive.Limits.DEFAULT, ArtifactCheck.NONE);
    }

    /**
     * @param archiveLimits how far an uploaded zip may expand (entries, bytes, ratio), checked before
     *     its instance is committed
     * @param artifactCheck the formats' own checks of an uploaded zip (the server's runtimes)
     */
    public ModelRegistry(RegistryDatabase database, BlobStore blobStore, RegistryHooks hooks, ModelArchive.Limits archiveLimits,
            ArtifactCheck artifactCheck) {
        this.database = requireNonNull(database, "database is null");
        this.jdbi = database.jdbi();
        this.blobStore = requireNonNull(blobStore, "blobStore is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.archiveLimits = requireNonNull(archiveLimits, "archiveLimits is null");
        this.artifactCheck = requireNonNull(artifactCheck, "artifactCheck is null");
        this.serverProvenance = Provenance.ofThisProcess();
    }

    public BlobStore blobStore() {
        return blobStore;
    }

    // ---------------------------------------------------------------- projects

    public Project createProject(NewProject request, String user) {
        requireNonNull(request, "request is null");
        String name = Names.checkName(request.name(), "name");
        String description = checkText(request.description(), "description");
        String by = checkUser(user);
        Instant now = now();
        return transaction(handle -> {
            if (findProjectId(handle, name).isPresent()) {
                throw new CarraraException(ALREADY_EXISTS, "project '" + name + "' already exists", "name");
            }
            handle.createUpdate("INSERT INTO projects (name, description, created_at, created_by) VALUES (?, ?, ?, ?)")
                    .bind(0, name).bind(1, description).bind(2, toDb(now)).bind(3, by)
                    .execute();
            event(handle, Event.PROJECT_CREATED, name, null, null, json.createObjectNode().put("description", description), now);
            hooks.beforeCommit("createProject");
            return new Project(name, description, now, by);
        });
    }

    public Project getProject(String name) {
        Names.checkName(name, "project");
        return jdbi.withHandle(handle -> handle
                .createQuery("SELECT name, description, created_at, created_by FROM projects WHERE name = ?")
                .bind(0, name)
                .map((rs, ctx) -> mapProject(rs))
                .findOne()
                .orElseThrow(() -> projectNotFound(name)));
    }

    public List<Project> listProjects() {
        return jdbi.withHandle(handle -> handle
                .createQuery("SELECT name, description, created_at, created_by FROM projects ORDER BY name")
                .map((rs, ctx) -> mapProject(rs))
                .list());
    }

    // ---------------------------------------------------------------- models

    public Model createModel(String project, NewModel request, String user) {
        requireNonNull(request, "request is null");
        ModelRef ref = new ModelRef(Names.checkName(project, "project"), Names.checkName(request.name(), "name"));
        String description = checkText(request.description(), "description");
        String owner = request.owner() == null ? null : checkShort(request.owner(), "owner");
        String type = request.type() == null ? null : checkShort(request.type(), "type");
        List<String> features = checkList(request.features(), "features");
        Map<String, String> hyperparameters = checkMap(request.hyperparameters(), "hyperparameters", MAX_PROVENANCE_VALUE);
        List<String> tags = checkList(request.tags(), "tags");
        ModelRef previous = request.previousModel() == null ? null : ModelRef.parse(request.previousModel(), "previousModel");
        Set<ModelRef> dependsOn = new LinkedHashSet<>();
        for (String upstream : request.dependsOn() == null ? List.<String>of() : request.dependsOn()) {
            ModelRef upstreamRef = ModelRef.parse(upstream, "dependsOn");
            if (upstreamRef.equals(ref)) {
                throw new CarraraException(DEPENDENCY_CYCLE, "model " + ref + " cannot depend on itself", "dependsOn");
            }
            dependsOn.add(upstreamRef);
        }
        String by = checkUser(user);
        Instant now = now();
        transaction(handle -> {
            long projectId = findProjectId(handle, ref.project()).orElseThrow(() -> projectNotFound(ref.project()));
            if (findModelId(handle, ref).isPresent()) {
                throw new CarraraException(ALREADY_EXISTS, "model " + ref + " already exists", "name");
            }
            Long previousId = previous == null ? null : requireModelId(handle, previous, "previousModel");
            List<Long> upstreamIds = new ArrayList<>();
            for (ModelRef upstream : dependsOn) {
                upstreamIds.add(requireModelId(handle, upstream, "dependsOn"));
            }
            handle.createUpdate("""
                            INSERT INTO models (project_id, name, description, owner, model_type, features, hyperparameters,
                                                tags, previous_model_id, created_at, created_by)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .bind(0, projectId).bind(1, ref.name()).bind(2, description).bind(3, owner).bind(4, type)
                    .bind(5, RegistryJson.write(features)).bind(6, RegistryJson.write(hyperparameters)).bind(7, RegistryJson.write(tags))
                    .bind(8, previousId).bind(9, toDb(now)).bind(10, by)
                    .execute();
            long modelId = requireModelId(handle, ref, "name");
            for (long upstreamId : upstreamIds) {
                insertDependency(handle, modelId, upstreamId, now, by);
            }
            ObjectNode payload = json.createObjectNode();
            payload.putPOJO("dependsOn", dependsOn.stream().map(ModelRef::toString).toList());
            event(handle, Event.MODEL_CREATED, ref.project(), ref.name(), null, payload, now);
            hooks.beforeCommit("createModel");
            return null;
        });
        return getModel(ref);
    }

    public Model getModel(ModelRef ref) {
        requireNonNull(ref, "ref is null");
        return jdbi.withHandle(handle -> {
            ModelRow row = requireModel(handle, ref, "model");
            return toModel(handle, row);
        });
    }

    public List<Model> listModels(String project) {
        Names.checkName(project, "project");
        return jdbi.withHandle(handle -> {
            long projectId = findProjectId(handle, project).orElseThrow(() -> projectNotFound(project));
            List<ModelRow> rows = handle.createQuery(MODEL_SELECT + " WHERE m.project_id = ? ORDER BY m.name")
                    .bind(0, projectId)
                    .map((rs, ctx) -> mapModelRow(rs))
                    .list();
            List<Model> models = new ArrayList<>();
            for (ModelRow row : rows) {
                models.add(toModel(handle, row));
            }
            return models;
        });
    }

    /** Declares that {@code model} depends on {@code upstream}; refuses a cycle. Adding an existing edge is a no-op. */
    public Model addDependency(ModelRef model, ModelRef upstream, String user) {
        requireNonNull(model, "model is null");
        requireNonNull(upstream, "upstream is null");
        String by = checkUser(user);
        if (model.equals(upstream)) {
            throw new CarraraException(DEPENDENCY_CYCLE, "model " + model + " cannot depend on itself", "upstream");
        }
        Instant now = now();
        transaction(handle -> {
            long modelId = requireModelId(handle, model, "model");
            long upstreamId = requireModelId(handle, upstream, "upstream");
            // Lock both rows in id order so two concurrent additions cannot each miss the other's edge.
            lockModels(handle, List.of(Math.min(modelId, upstreamId), Math.max(modelId, upstreamId)));
            if (upstreamIds(handle, modelId).contains(upstreamId)) {
                return null;
            }
            if (upstreamClosure(handle, upstreamId).contains(modelId)) {
                throw new CarraraException(DEPENDENCY_CYCLE,
                        "cannot make " + model + " depend on " + upstream + ": " + upstream + " already depends on "
                                + model + " (directly or through other models), which would make a cycle",
                        "upstream");
            }
            insertDependency(handle, modelId, upstreamId, now, by);
            event(handle, Event.DEPENDENCY_ADDED, model.project(), model.name(), null,
                    json.createObjectNode().put("upstream", upstream.toString()), now);
            hooks.beforeCommit("addDependency");
            return null;
        });
        return getModel(model);
    }

    public Model removeDependency(ModelRef model, ModelRef upstream, String user) {
        requireNonNull(model, "model is null");
        requireNonNull(upstream, "upstream is null");
        checkUser(user);
        Instant now = now();
        transaction(handle -> {
            long modelId = requireModelId(handle, model, "model");
            long upstreamId = requireModelId(handle, upstream, "upstream");
            int removed = handle.createUpdate("DELETE FROM model_dependencies WHERE model_id = ? AND upstream_model_id = ?")
                    .bind(0, modelId).bind(1, upstreamId).execute();
            if (removed == 0) {
                throw new CarraraException(NOT_FOUND, "model " + model + " does not depend on " + upstream, "upstream");
            }
            event(handle, Event.DEPENDENCY_REMOVED, model.project(), model.name(), null,
                    json.createObjectNode().put("upstream", upstream.toString()), now);
            hooks.beforeCommit("removeDependency");
            return null;
        });
        return getModel(model);
    }

    public Lineage lineage(ModelRef ref, int instanceLimit) {
        requireNonNull(ref, "ref is null");
        return jdbi.withHandle(handle -> {
            ModelRow row = requireModel(handle, ref, "model");
            List<UpstreamNode> upstream = upstreamTree(handle, row.modelId(), new HashSet<>());
            List<DownstreamNode> downstream = downstreamTree(handle, row.modelId(), new HashSet<>());
            List<String> ids = handle.createQuery(
                            "SELECT instance_id FROM instances WHERE model_id = ? ORDER BY version DESC LIMIT ?")
                    .bind(0, row.modelId()).bind(1, instanceLimit)
                    .mapTo(String.class)
                    .list();
            return new Lineage(ref, upstream, downstream, loadInstances(handle, ids));
        });
    }

    // ---------------------------------------------------------------- instances

    /**
     * Creates an instance whose artifact is already in the blob store, then a new instance of every
     * model downstream of it (transitively), all in one transaction.
     */
    public Instance createInstance(ModelRef ref, NewInstance request, String user) {
        requireNonNull(ref, "ref is null");
        requireNonNull(request, "request is null");
        if (request.artifact() == null) {
            throw new CarraraException(INVALID_ARGUMENT, "artifact is required: upload the blob first, then pass its sha256",
                    "artifact");
        }
        String sha256 = request.artifact().sha256();
        if (sha256 == null) {
            throw new CarraraException(INVALID_ARGUMENT, "artifact.sha256 is required", "artifact.sha256");
        }
        try {
            BlobDigests.checkSha256(sha256);
        } catch (CarraraException e) {
            throw new CarraraException(INVALID_ARGUMENT, e.getMessage(), "artifact.sha256");
        }
        if (request.artifact().format() == null) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "artifact.format is required: spark-pipeline, python or opaque", "artifact.format");
        }
        ArtifactFormat format = ArtifactFormat.fromWireName(request.artifact().format());
        ArtifactPackaging packaging = request.artifact().packaging() == null
                ? ArtifactPackaging.FILE
                : ArtifactPackaging.fromWireName(request.artifact().packaging());
        Map<String, String> metadata = checkMap(request.metadata(), "metadata", MAX_METADATA_VALUE);
        Map<String, String> provenance = new TreeMap<>(serverProvenance);
        provenance.putAll(checkMap(request.provenance(), "provenance", MAX_PROVENANCE_VALUE));
        String by = checkUser(user);
        Instant now = now();
        provenance.put("uploader", by);
        provenance.put("uploadedAt", now.toString());

        StoredBlob blob = statBlob(sha256).orElseThrow(() -> new CarraraException(BLOB_MISSING,
                "no blob " + sha256 + " in the blob store; upload the artifact first with POST /api/v1/blobs",
                "artifact.sha256"));
        if (packaging == ArtifactPackaging.ZIP) {
            validateArchive(sha256, format);
        }
        Artifact artifact = new Artifact(blob.sha256(), blob.size(), format, packaging, blob.uri());
        UUID id = transaction(handle -> {
            ModelRow model = requireModel(handle, ref, "model");
            UUID created = insertInstance(handle, model, artifact, metadata, provenance, Instance.REASON_UPLOAD, by, now);
            propagateDownstream(handle, model.modelId(), created, by, now);
            hooks.beforeCommit("createInstance");
            return created;
        });
        return getInstance(id);
    }

    public Instance getInstance(UUID id) {
        requireNonNull(id, "id is null");
        return jdbi.withHandle(handle -> loadInstances(handle, List.of(id.toString())).stream()
                .findFirst()
                .orElseThrow(() -> instanceNotFound(id)));
    }

    /** The instances of a model, newest first. */
    public Page<Instance> listInstances(ModelRef ref, int limit, int offset) {
        checkPaging(limit, offset);
        return jdbi.withHandle(handle -> {
            ModelRow model = requireModel(handle, ref, "model");
            List<String> ids = handle.createQuery(
                            "SELECT instance_id FROM instances WHERE model_id = ? ORDER BY version DESC LIMIT ? OFFSET ?")
                    .bind(0, model.modelId()).bind(1, limit + 1).bind(2, offset)
                    .mapTo(String.class)
                    .list();
            return Page.fromOverfetch(loadInstances(handle, ids), limit, offset);
        });
    }

    /** Opens the instance's artifact; the stream fails with BLOB_CORRUPTED at its end if the bytes changed. */
    public InputStream openArtifact(UUID id) throws IOException {
        Instance instance = getInstance(id);
        return blobStore.open(instance.artifact().sha256());
    }

    /** Flags an instance as deprecated; deprecating it again keeps the first reason. */
    public Instance deprecate(UUID id, String reason, String user) {
        requireNonNull(id, "id is null");
        if (reason == null || reason.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "reason is required: say why the instance is deprecated", "reason");
        }
        String checkedReason = checkText(reason, "reason");
        String by = checkUser(user);
        Instant now = now();
        transaction(handle -> {
            Instance instance = loadInstances(handle, List.of(id.toString())).stream().findFirst()
                    .orElseThrow(() -> instanceNotFound(id));
            int updated = handle.createUpdate("""
                            UPDATE instances SET deprecated = ?, deprecated_reason = ?, deprecated_at = ?, deprecated_by = ?
                            WHERE instance_id = ? AND deprecated = ?""")
                    .bind(0, true).bind(1, checkedReason).bind(2, toDb(now)).bind(3, by).bind(4, id.toString()).bind(5, false)
                    .execute();
            if (updated > 0) {
                event(handle, Event.INSTANCE_DEPRECATED, instance.model().project(), instance.model().name(), id,
                        json.createObjectNode().put("reason", checkedReason), now);
            }
            hooks.beforeCommit("deprecate");
            return null;
        });
        return getInstance(id);
    }

    // ---------------------------------------------------------------- metrics

    public Metric addMetric(UUID id, NewMetric request, String user) {
        requireNonNull(id, "id is null");
        requireNonNull(request, "request is null");
        String name = checkKey(request.name(), "name");
        String scope = request.scope() == null ? "validation" : request.scope();
        if (!METRIC_SCOPES.contains(scope)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "scope '" + scope + "' is not one of " + METRIC_SCOPES.stream().sorted().toList(),
                    "scope");
        }
        Double value = request.value();
        JsonNode data = request.data() == null || request.data().isNull() ? null : request.data();
        if ((value == null) == (data == null)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "give exactly one of value (a number) and data (a JSON document)", value == null ? "value" : "data");
        }
        if (value != null && !Double.isFinite(value)) {
            throw new CarraraException(INVALID_ARGUMENT, "value must be a finite number, not " + value, "value");
        }
        Map<String, String> metadata = checkMap(request.metadata(), "metadata", MAX_METADATA_VALUE);
        String by = checkUser(user);
        Instant now = now();
        long metricId = transaction(handle -> {
            // Locking the instance row orders concurrent metrics of one instance, so the latest value is well defined.
            Optional<ModelRef> model = handle.createQuery("""
                            SELECT p.name AS project_name, m.name AS model_name FROM instances i
                            JOIN models m ON m.model_id = i.model_id JOIN projects p ON p.project_id = m.project_id
                            WHERE i.instance_id = ?""")
                    .bind(0, id.toString())
                    .map((rs, ctx) -> new ModelRef(rs.getString("project_name"), rs.getString("model_name")))
                    .findOne();
            if (model.isEmpty()) {
                throw instanceNotFound(id);
            }
            handle.createQuery("SELECT instance_id FROM instances WHERE instance_id = ? FOR UPDATE")
                    .bind(0, id.toString()).mapTo(String.class).one();
            long newId = handle.createUpdate("""
                            INSERT INTO metrics (instance_id, scope, name, metric_value, structured, metadata, recorded_at, recorded_by)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .bind(0, id.toString()).bind(1, scope).bind(2, name).bind(3, value)
                    .bind(4, data == null ? null : RegistryJson.write(data)).bind(5, RegistryJson.write(metadata)).bind(6, toDb(now)).bind(7, by)
                    .executeAndReturnGeneratedKeys("metric_id")
                    .mapTo(Long.class)
                    .one();
            if (value != null) {
                handle.createUpdate("DELETE FROM metric_latest WHERE instance_id = ? AND scope = ? AND name = ?")
                        .bind(0, id.toString()).bind(1, scope).bind(2, name).execute();
                handle.createUpdate("INSERT INTO metric_latest (instance_id, scope, name, metric_value, metric_id) VALUES (?, ?, ?, ?, ?)")
                        .bind(0, id.toString()).bind(1, scope).bind(2, name).bind(3, value).bind(4, newId).execute();
            }
            ModelRef ref = model.get();
            ObjectNode payload = json.createObjectNode().put("metricId", newId).put("name", name).put("scope", scope);
            if (value != null) {
                payload.put("value", value);
            }
            event(handle, Event.METRIC_RECORDED, ref.project(), ref.name(), id, payload, now);
            hooks.beforeCommit("addMetric");
            return newId;
        });
        return new Metric(metricId, id, name, scope, value, data, metadata, now, by);
    }

    /** Every metric of an instance, oldest first. */
    public List<Metric> listMetrics(UUID id) {
        requireNonNull(id, "id is null");
        return jdbi.withHandle(handle -> {
            if (handle.createQuery("SELECT COUNT(*) FROM instances WHERE instance_id = ?").bind(0, id.toString())
                    .mapTo(Integer.class).one() == 0) {
                throw instanceNotFound(id);
            }
            return handle.createQuery("""
                            SELECT metric_id, instance_id, scope, name, metric_value, structured, metadata, recorded_at, recorded_by
                            FROM metrics WHERE instance_id = ? ORDER BY metric_id""")
                    .bind(0, id.toString())
                    .map((rs, ctx) -> new Metric(
                            rs.getLong("metric_id"),
                            UUID.fromString(rs.getString("instance_id")),
                            rs.getString("name"),
                            rs.getString("scope"),
                            nullableDouble(rs, "metric_value"),
                            rs.getString("structured") == null ? null : RegistryJson.readTree(rs.getString("structured")),
                            readMap(rs.getString("metadata")),
                            fromDb(rs.getObject("recorded_at", LocalDateTime.class)),
                            rs.getString("recorded_by")))
                    .list();
        });
    }

    // ---------------------------------------------------------------- search and events

    /** Runs a filter in the search language (see docs/api.md); {@code limit}/{@code offset} may be null. */
    public Page<Instance> search(String filter, Integer limit, Integer offset) {
        CompiledSearch compiled = searchCompiler.compile(filter == null ? "" : filter, limit, offset);
        return jdbi.withHandle(handle -> {
            // Fetch one row more than asked to learn whether there is a next page without a COUNT.
            Query query = handle.createQuery(compiled.sql());
            // The compiler puts LIMIT and OFFSET last; ask for one more row than the page holds.
            List<Object> parameters = new ArrayList<>(compiled.parameters());
            parameters.set(parameters.size() - 2, compiled.limit() + 1);
            for (int i = 0; i < parameters.size(); i++) {
                query.bind(i, parameters.get(i));
            }
            List<String> ids = query.mapTo(String.class).list();
            return Page.fromOverfetch(loadInstances(handle, ids), compiled.limit(), compiled.offset());
        });
    }

    /** Events with an id greater than {@code after}, oldest first. */
    public List<Event> events(long after, int limit) {
        checkPaging(limit, 0);
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT event_id, event_type, project, model, instance_id, payload, created_at
                        FROM events WHERE event_id > ? ORDER BY event_id LIMIT ?""")
                .bind(0, after).bind(1, limit)
                .map((rs, ctx) -> new Event(
                        rs.getLong("event_id"),
                        rs.getString("event_type"),
                        rs.getString("project"),
                        rs.getString("model"),
                        rs.getString("instance_id") == null ? null : UUID.fromString(rs.getString("instance_id")),
                        RegistryJson.readTree(rs.getString("payload")),
                        fromDb(rs.getObject("created_at", LocalDateTime.class))))
                .list());
    }

    // ---------------------------------------------------------------- instance internals

    private UUID insertInstance(Handle handle, ModelRow model, Artifact artifact, Map<String, String> metadata,
            Map<String, String> provenance, String reason, String by, Instant now) {
        lockModels(handle, List.of(model.modelId()));
        Optional<String> previous = handle.createQuery(
                        "SELECT instance_id FROM instances WHERE model_id = ? ORDER BY version DESC LIMIT 1")
                .bind(0, model.modelId()).mapTo(String.class).findOne();
        int version = handle.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM instances WHERE model_id = ?")
                .bind(0, model.modelId()).mapTo(Integer.class).one();
        UUID id = UUID.randomUUID();
        handle.createUpdate("""
                        INSERT INTO instances (instance_id, model_id, version, created_at, created_by, reason, previous_instance_id,
                                               artifact_sha256, artifact_size, artifact_format, artifact_packaging, artifact_uri,
                                               metadata, provenance, deprecated)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .bind(0, id.toString()).bind(1, model.modelId()).bind(2, version).bind(3, toDb(now)).bind(4, by)
                .bind(5, reason).bind(6, previous.orElse(null))
                .bind(7, artifact.sha256()).bind(8, artifact.size()).bind(9, artifact.format().wireName())
                .bind(10, artifact.packaging().wireName()).bind(11, artifact.uri())
                .bind(12, RegistryJson.write(metadata)).bind(13, RegistryJson.write(provenance)).bind(14, false)
                .execute();
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            handle.createUpdate("INSERT INTO instance_metadata (instance_id, meta_key, meta_value, meta_number) VALUES (?, ?, ?, ?)")
                    .bind(0, id.toString()).bind(1, entry.getKey()).bind(2, entry.getValue()).bind(3, parseNumber(entry.getValue()))
                    .execute();
        }
        // The dependency snapshot: the newest instance of each upstream model at this moment.
        for (long upstreamId : upstreamIds(handle, model.modelId())) {
            Optional<String> upstreamInstance = handle.createQuery(
                            "SELECT instance_id FROM instances WHERE model_id = ? ORDER BY version DESC LIMIT 1")
                    .bind(0, upstreamId).mapTo(String.class).findOne();
            if (upstreamInstance.isPresent()) {
                handle.createUpdate("INSERT INTO instance_dependencies (instance_id, upstream_model_id, upstream_instance_id) VALUES (?, ?, ?)")
                        .bind(0, id.toString()).bind(1, upstreamId).bind(2, upstreamInstance.get()).execute();
            }
        }
        ObjectNode payload = json.createObjectNode()
                .put("version", version)
                .put("reason", reason)
                .put("sha256", artifact.sha256())
                .put("format", artifact.format().wireName());
        payload.put("previousInstance", previous.orElse(null));
        event(handle, Event.INSTANCE_CREATED, model.project(), model.name(), id, payload, now);
        return id;
    }

    /**
     * Gallery's dependency propagation: every model downstream of {@code rootModelId} that has an
     * instance gets a new one (same artifact, fresh dependency snapshot), in topological order so a
     * model reached along two paths gets exactly one new instance that sees both new upstreams.
     */
    private void propagateDownstream(Handle handle, long rootModelId, UUID rootInstance, String by, Instant now) {
        Map<Long, List<Long>> downstreamEdges = new HashMap<>();
        Set<Long> closure = new LinkedHashSet<>();
        Deque<Long> pending = new ArrayDeque<>(List.of(rootModelId));
        while (!pending.isEmpty()) {
            long current = pending.pop();
            List<Long> children = downstreamIds(handle, current);
            downstreamEdges.put(current, children);
            for (long child : children) {
                if (closure.add(child)) {
                    pending.push(child);
                }
            }
        }
        Map<Long, Integer> inDegree = new HashMap<>();
        closure.forEach(modelId -> inDegree.put(modelId, 0));
        downstreamEdges.forEach((from, children) -> children.forEach(child -> inDegree.merge(child, 1, Integer::sum)));
        Deque<Long> ready = new ArrayDeque<>();
        for (long child : downstreamEdges.get(rootModelId)) {
            if (inDegree.merge(child, -1, Integer::sum) == 0) {
                ready.add(child);
            }
        }
        while (!ready.isEmpty()) {
            long modelId = ready.poll();
            ModelRow model = handle.createQuery(MODEL_SELECT + " WHERE m.model_id = ?").bind(0, modelId)
                    .map((rs, ctx) -> mapModelRow(rs)).one();
            Optional<String> latest = handle.createQuery(
                            "SELECT instance_id FROM instances WHERE model_id = ? ORDER BY version DESC LIMIT 1")
                    .bind(0, modelId).mapTo(String.class).findOne();
            if (latest.isPresent()) {
                Instance previous = loadInstances(handle, List.of(latest.get())).get(0);
                Map<String, String> provenance = new TreeMap<>(previous.provenance());
                provenance.put("propagatedFrom", rootInstance.toString());
                provenance.put("propagatedAt", now.toString());
                insertInstance(handle, model, previous.artifact(), previous.metadata(), provenance,
                        Instance.REASON_DEPENDENCY_UPDATE, by, now);
            }
            for (long child : downstreamEdges.getOrDefault(modelId, List.of())) {
                if (inDegree.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
    }

    private List<Instance> loadInstances(Handle handle, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, UUID>> dependencies = new HashMap<>();
        handle.createQuery("""
                        SELECT d.instance_id, d.upstream_instance_id, p.name AS project_name, m.name AS model_name
                        FROM instance_dependencies d
                        JOIN models m ON m.model_id = d.upstream_model_id
                        JOIN projects p ON p.project_id = m.project_id
                        WHERE d.instance_id IN (<ids>)""")
                .bindList("ids", ids)
                .map((rs, ctx) -> {
                    dependencies.computeIfAbsent(rs.getString("instance_id"), key -> new TreeMap<>())
                            .put(rs.getString("project_name") + "/" + rs.getString("model_name"),
                                    UUID.fromString(rs.getString("upstream_instance_id")));
                    return null;
                })
                .list();
        Map<String, Instance> byId = new HashMap<>();
        handle.createQuery("""
                        SELECT i.*, m.name AS model_name, p.name AS project_name
                        FROM instances i
                        JOIN models m ON m.model_id = i.model_id
                        JOIN projects p ON p.project_id = m.project_id
                        WHERE i.instance_id IN (<ids>)""")
                .bindList("ids", ids)
                .map((rs, ctx) -> mapInstance(rs, dependencies.getOrDefault(rs.getString("instance_id"), Map.of())))
                .forEach(instance -> byId.put(instance.id().toString(), instance));
        List<Instance> ordered = new ArrayList<>(ids.size());
        for (String id : ids) {
            Instance instance = byId.get(id);
            if (instance != null) {
                ordered.add(instance);
            }
        }
        return ordered;
    }

    private Instance mapInstance(ResultSet rs, Map<String, UUID> dependencies) throws SQLException {
        String previous = rs.getString("previous_instance_id");
        LocalDateTime deprecatedAt = rs.getObject("deprecated_at", LocalDateTime.class);
        return new Instance(
                UUID.fromString(rs.getString("instance_id")),
                new ModelRef(rs.getString("project_name"), rs.getString("model_name")),
                rs.getInt("version"),
                fromDb(rs.getObject("created_at", LocalDateTime.class)),
                rs.getString("created_by"),
                rs.getString("reason"),
                previous == null ? null : UUID.fromString(previous),
                new Artifact(
                        rs.getString("artifact_sha256"),
                        rs.getLong("artifact_size"),
                        ArtifactFormat.fromWireName(rs.getString("artifact_format")),
                        ArtifactPackaging.fromWireName(rs.getString("artifact_packaging")),
                        rs.getString("artifact_uri")),
                readMap(rs.getString("metadata")),
                readMap(rs.getString("provenance")),
                dependencies,
                rs.getBoolean("deprecated"),
                rs.getString("deprecated_reason"),
                deprecatedAt == null ? null : fromDb(deprecatedAt),
                rs.getString("deprecated_by"));
    }

    private Optional<StoredBlob> statBlob(String sha256) {
        try {
            return blobStore.stat(sha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + sha256 + " from " + blobStore.location(), e);
        }
    }

    private void validateArchive(String sha256, ArtifactFormat format) {
        try (InputStream in = blobStore.open(sha256)) {
            ModelArchive.validate(in, archiveLimits);
            artifactCheck.check(format, () -> blobStore.open(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + sha256 + " from " + blobStore.location(), e);
        }
    }

    // ---------------------------------------------------------------- model internals

    private static final String MODEL_SELECT = """
            SELECT m.model_id, m.project_id, p.name AS project_name, m.name, m.description, m.owner, m.model_type,
                   m.features, m.hyperparameters, m.tags, m.previous_model_id, m.created_at, m.created_by
            FROM models m JOIN projects p ON p.project_id = m.project_id""";

    private record ModelRow(long modelId, String project, String name, String description, String owner, String type,
            String features, String hyperparameters, String tags, Long previousModelId, Instant createdAt, String createdBy) {
        ModelRef ref() {
            return new ModelRef(project, name);
        }
    }

    private ModelRow mapModelRow(ResultSet rs) throws SQLException {
        long previousValue = rs.getLong("previous_model_id");
        Long previous = rs.wasNull() ? null : previousValue;
        return new ModelRow(
                rs.getLong("model_id"),
                rs.getString("project_name"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("owner"),
                rs.getString("model_type"),
                rs.getString("features"),
                rs.getString("hyperparameters"),
                rs.getString("tags"),
                previous,
                fromDb(rs.getObject("created_at", LocalDateTime.class)),
                rs.getString("created_by"));
    }

    private Model toModel(Handle handle, ModelRow row) {
        ModelRef previous = row.previousModelId() == null ? null : refOf(handle, row.previousModelId());
        List<ModelRef> next = refsOf(handle, handle.createQuery("SELECT model_id FROM models WHERE previous_model_id = ?")
                .bind(0, row.modelId()).mapTo(Long.class).list());
        return new Model(
                row.ref(),
                row.description(),
                row.owner(),
                row.type(),
                readList(row.features()),
                readMap(row.hyperparameters()),
                readList(row.tags()),
                previous,
                next,
                refsOf(handle, upstreamIds(handle, row.modelId())),
                refsOf(handle, downstreamIds(handle, row.modelId())),
                row.createdAt(),
                row.createdBy());
    }

    private ModelRef refOf(Handle handle, long modelId) {
        return handle.createQuery("SELECT p.name, m.name FROM models m JOIN projects p ON p.project_id = m.project_id WHERE m.model_id = ?")
                .bind(0, modelId)
                .map((rs, ctx) -> new ModelRef(rs.getString(1), rs.getString(2)))
                .one();
    }

    private List<ModelRef> refsOf(Handle handle, Collection<Long> modelIds) {
        return modelIds.stream().map(id -> refOf(handle, id)).sorted().toList();
    }

    private List<Long> upstreamIds(Handle handle, long modelId) {
        return handle.createQuery("SELECT upstream_model_id FROM model_dependencies WHERE model_id = ? ORDER BY upstream_model_id")
                .bind(0, modelId).mapTo(Long.class).list();
    }

    private List<Long> downstreamIds(Handle handle, long modelId) {
        return handle.createQuery("SELECT model_id FROM model_dependencies WHERE upstream_model_id = ? ORDER BY model_id")
                .bind(0, modelId).mapTo(Long.class).list();
    }

    private Set<Long> upstreamClosure(Handle handle, long modelId) {
        Set<Long> seen = new HashSet<>();
        Deque<Long> pending = new ArrayDeque<>(List.of(modelId));
        while (!pending.isEmpty()) {
            for (long upstream : upstreamIds(handle, pending.pop())) {
                if (seen.add(upstream)) {
                    pending.push(upstream);
                }
            }
        }
        return seen;
    }

    private List<UpstreamNode> upstreamTree(Handle handle, long modelId, Set<Long> path) {
        List<UpstreamNode> nodes = new ArrayList<>();
        path.add(modelId);
        for (long upstream : upstreamIds(handle, modelId)) {
            if (!path.contains(upstream)) {
                nodes.add(new UpstreamNode(refOf(handle, upstream), upstreamTree(handle, upstream, path)));
            }
        }
        path.remove(modelId);
        nodes.sort((a, b) -> a.model().compareTo(b.model()));
        return nodes;
    }

    private List<DownstreamNode> downstreamTree(Handle handle, long modelId, Set<Long> path) {
        List<DownstreamNode> nodes = new ArrayList<>();
        path.add(modelId);
        for (long downstream : downstreamIds(handle, modelId)) {
            if (!path.contains(downstream)) {
                nodes.add(new DownstreamNode(refOf(handle, downstream), downstreamTree(handle, downstream, path)));
            }
        }
        path.remove(modelId);
        nodes.sort((a, b) -> a.model().compareTo(b.model()));
        return nodes;
    }

    private void insertDependency(Handle handle, long modelId, long upstreamId, Instant now, String by) {
        handle.createUpdate("INSERT INTO model_dependencies (model_id, upstream_model_id, created_at, created_by) VALUES (?, ?, ?, ?)")
                .bind(0, modelId).bind(1, upstreamId).bind(2, toDb(now)).bind(3, by).execute();
    }

    private void lockModels(Handle handle, List<Long> modelIds) {
        for (long modelId : modelIds) {
            handle.createQuery("SELECT model_id FROM models WHERE model_id = ? FOR UPDATE")
                    .bind(0, modelId).mapTo(Long.class).one();
        }
    }

    private Optional<Long> findProjectId(Handle handle, String name) {
        return handle.createQuery("SELECT project_id FROM projects WHERE name = ?").bind(0, name).mapTo(Long.class).findOne();
    }

    private Optional<Long> findModelId(Handle handle, ModelRef ref) {
        return handle.createQuery("""
                        SELECT m.model_id FROM models m JOIN projects p ON p.project_id = m.project_id
                        WHERE p.name = ? AND m.name = ?""")
                .bind(0, ref.project()).bind(1, ref.name()).mapTo(Long.class).findOne();
    }

    private long requireModelId(Handle handle, ModelRef ref, String field) {
        return findModelId(handle, ref).orElseThrow(() -> modelNotFound(ref, field));
    }

    private ModelRow requireModel(Handle handle, ModelRef ref, String field) {
        return handle.createQuery(MODEL_SELECT + " WHERE p.name = ? AND m.name = ?")
                .bind(0, ref.project()).bind(1, ref.name())
                .map((rs, ctx) -> mapModelRow(rs))
                .findOne()
                .orElseThrow(() -> modelNotFound(ref, field));
    }

    private static Project mapProject(ResultSet rs) throws SQLException {
        return new Project(rs.getString("name"), rs.getString("description"),
                fromDb(rs.getObject("created_at", LocalDateTime.class)), rs.getString("created_by"));
    }

    // ---------------------------------------------------------------- events, transactions, values

    private void event(Handle handle, String type, String project, String model, UUID instance, JsonNode payload, Instant now) {
        handle.createUpdate("INSERT INTO events (event_type, project, model, instance_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, type).bind(1, project).bind(2, model).bind(3, instance == null ? null : instance.toString())
                .bind(4, RegistryJson.write(payload)).bind(5, toDb(now))
                .execute();
    }

    private <T> T transaction(HandleCallback<T, RuntimeException> callback) {
        return database.inTransaction(callback);
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    /** The value as a number when it is written as a plain decimal number (not NaN, hex or {@code 1d}). */
    private static Double parseNumber(String value) {
        if (!DECIMAL.matcher(value).matches()) {
            return null;
        }
        double number = Double.parseDouble(value);
        return Double.isFinite(number) ? number : null;
    }

    private Map<String, String> readMap(String value) {
        try {
            return json.readValue(value, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INTERNAL_ERROR, "stored JSON is unreadable: " + e.getOriginalMessage(), null, e);
        }
    }

    private List<String> readList(String value) {
        try {
            return json.readValue(value, STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INTERNAL_ERROR, "stored JSON is unreadable: " + e.getOriginalMessage(), null, e);
        }
    }

    private static String checkUser(String user) {
        if (user == null || user.isBlank()) {
            return "anonymous";
        }
        return checkShort(user, "user");
    }

    private static String checkShort(String value, String field) {
        if (value.length() > 128) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is longer than 128 characters", field);
        }
        return value;
    }

    private static String checkText(String value, String field) {
        if (value != null && value.length() > MAX_TEXT) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is longer than " + MAX_TEXT + " characters", field);
        }
        return value;
    }

    private static String checkKey(String value, String field) {
        if (value == null || !KEY.matcher(value).matches()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + " '" + value + "' is not valid: use 1 to 128 letters, digits, '_', '.' or '-', starting with"
                            + " a letter, digit or '_'",
                    field);
        }
        return value;
    }

    private static List<String> checkList(List<String> values, String field) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_ENTRIES) {
            throw new CarraraException(INVALID_ARGUMENT, field + " has more than " + MAX_ENTRIES + " entries", field);
        }
        for (String value : values) {
            if (value == null || value.isEmpty() || value.length() > 256) {
                throw new CarraraException(INVALID_ARGUMENT, field + " entries must be 1 to 256 characters", field);
            }
        }
        return List.copyOf(values);
    }

    private static Map<String, String> checkMap(Map<String, String> values, String field, int maxValueLength) {
        if (values == null) {
            return Map.of();
        }
        if (values.size() > MAX_ENTRIES) {
            throw new CarraraException(INVALID_ARGUMENT, field + " has more than " + MAX_ENTRIES + " entries", field);
        }
        Map<String, String> checked = new TreeMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = checkKey(entry.getKey(), field + " key");
            String value = entry.getValue();
            if (value == null) {
                throw new CarraraException(INVALID_ARGUMENT, field + "." + key + " has no value", field + "." + key);
            }
            if (value.length() > maxValueLength) {
                throw new CarraraException(INVALID_ARGUMENT,
                        field + "." + key + " is longer than " + maxValueLength + " characters", field + "." + key);
            }
            checked.put(key, value);
        }
        return checked;
    }

    private static void checkPaging(int limit, int offset) {
        if (limit < 1 || limit > 1000) {
            throw new CarraraException(INVALID_ARGUMENT, "limit must be between 1 and 1000, not " + limit, "limit");
        }
        if (offset < 0) {
            throw new CarraraException(INVALID_ARGUMENT, "offset must not be negative", "offset");
        }
    }

    private static CarraraException projectNotFound(String name) {
        return new CarraraException(NOT_FOUND, "project '" + name + "' does not exist; create it with: carrara project create "
                + name, "project");
    }

    private static CarraraException modelNotFound(ModelRef ref, String field) {
        return new CarraraException(NOT_FOUND, "model " + ref + " does not exist; create it with: carrara model create " + ref,
                field);
    }

    private static CarraraException instanceNotFound(UUID id) {
        return new CarraraException(NOT_FOUND, "instance " + id + " does not exist", "id");
    }
}
