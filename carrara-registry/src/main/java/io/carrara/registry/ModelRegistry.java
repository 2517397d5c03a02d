package io.carrara.registry;

import static io.carrara.registry.RegistryErrorCode.BLOB_MISSING;
import static io.carrara.registry.RegistryErrorCode.DEPENDENCY_CYCLE;
import static io.carrara.registry.db.DatabaseTimes.now;
import static io.carrara.registry.model.FieldChecks.checkText;
import static io.carrara.registry.model.FieldChecks.checkUser;
import static io.carrara.spi.error.StandardErrorCode.ALREADY_EXISTS;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.ModelStore.ModelRow;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Annotation;
import io.carrara.registry.model.Artifact;
import io.carrara.registry.model.ArtifactPackaging;
import io.carrara.registry.model.Event;
import io.carrara.registry.model.FieldChecks;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Lineage;
import io.carrara.registry.model.Metric;
import io.carrara.registry.model.Model;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.registry.model.Page;
import io.carrara.registry.model.Project;
import io.carrara.registry.model.Provenance;
import io.carrara.registry.search.CompiledSearch;
import io.carrara.registry.search.SearchCompiler;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

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
 * The requests ({@link NewProject}, {@link NewModel}, {@link NewInstance}, {@link NewMetric}) refuse
 * invalid values when they are built; every method checks the rest of its input against the
 * database and throws {@link CarraraException} naming the offending field; a failed call writes
 * nothing. Each concept's SQL lives in a package-private store, used inside this façade's
 * transactions.
 */
public final class ModelRegistry {
    public static final Set<String> METRIC_SCOPES = NewMetric.SCOPES;

    // The façade holds the transactions, the blob store and the events; each store holds the SQL of one concept.
    private final RegistryDatabase database;
    private final Jdbi jdbi;
    private final BlobStore blobStore;
    private final RegistryHooks hooks;
    private final ModelArchive.Limits archiveLimits;
    private final ArtifactCheck artifactCheck;
    private final SearchCompiler searchCompiler = new SearchCompiler();
    private final ObjectMapper json = RegistryJson.mapper();
    private final Map<String, String> serverRuntime;
    private final ModelStore models = new ModelStore();
    private final DependencyStore dependencies = new DependencyStore(models);
    private final EventStore events = new EventStore();
    private final InstanceStore instances = new InstanceStore(models, dependencies, events);
    private final MetricStore metrics = new MetricStore();
    private final AnnotationStore annotations = new AnnotationStore();

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
        this.serverRuntime = Provenance.thisProcess();
    }

    public BlobStore blobStore() {
        return blobStore;
    }

    // ---------------------------------------------------------------- projects

    public Project createProject(NewProject request, String user) {
        requireNonNull(request, "request is null");
        String name = request.name();
        String by = checkUser(user);
        Instant now = now();
        return transaction(handle -> {
            if (models.findProjectId(handle, name).isPresent()) {
                throw new CarraraException(ALREADY_EXISTS, "project '" + name + "' already exists", "name");
            }
            models.insertProject(handle, name, request.description(), now, by);
            events.insert(handle, Event.PROJECT_CREATED, name, null, null,
                    json.createObjectNode().put("description", request.description()), now);
            hooks.beforeCommit("createProject");
            return new Project(name, request.description(), now, by);
        });
    }

    public Project getProject(String name) {
        Names.checkName(name, "project");
        return jdbi.withHandle(handle -> models.findProject(handle, name).orElseThrow(() -> ModelStore.projectNotFound(name)));
    }

    public List<Project> listProjects() {
        return jdbi.withHandle(models::listProjects);
    }

    // ---------------------------------------------------------------- models

    public Model createModel(String project, NewModel request, String user) {
        requireNonNull(request, "request is null");
        ModelRef ref = new ModelRef(Names.checkName(project, "project"), request.name());
        ModelRef previous = request.previousModelRef();
        Set<ModelRef> dependsOn = new LinkedHashSet<>();
        for (ModelRef upstreamRef : request.dependsOnRefs()) {
            if (upstreamRef.equals(ref)) {
                throw new CarraraException(DEPENDENCY_CYCLE, "model " + ref + " cannot depend on itself", "dependsOn");
            }
            dependsOn.add(upstreamRef);
        }
        String by = checkUser(user);
        Instant now = now();
        transaction(handle -> {
            long projectId = models.requireProjectId(handle, ref.project());
            if (models.findModelId(handle, ref).isPresent()) {
                throw new CarraraException(ALREADY_EXISTS, "model " + ref + " already exists", "name");
            }
            Long previousId = previous == null ? null : models.requireModelId(handle, previous, "previousModel");
            List<Long> upstreamIds = new ArrayList<>();
            for (ModelRef upstream : dependsOn) {
                upstreamIds.add(models.requireModelId(handle, upstream, "dependsOn"));
            }
            models.insertModel(handle, projectId, ref.name(), request.description(), request.owner(), request.type(),
                    request.features(), request.hyperparameters(), request.tags(), previousId, now, by);
            long modelId = models.requireModelId(handle, ref, "name");
            for (long upstreamId : upstreamIds) {
                dependencies.insert(handle, modelId, upstreamId, now, by);
            }
            ObjectNode payload = json.createObjectNode();
            payload.putPOJO("dependsOn", dependsOn.stream().map(ModelRef::toString).toList());
            events.insert(handle, Event.MODEL_CREATED, ref.project(), ref.name(), null, payload, now);
            hooks.beforeCommit("createModel");
            return null;
        });
        return getModel(ref);
    }

    public Model getModel(ModelRef ref) {
        requireNonNull(ref, "ref is null");
        return jdbi.withHandle(handle -> toModel(handle, models.requireModel(handle, ref, "model")));
    }

    public List<Model> listModels(String project) {
        Names.checkName(project, "project");
        return jdbi.withHandle(handle -> {
            long projectId = models.requireProjectId(handle, project);
            List<Model> list = new ArrayList<>();
            for (ModelRow row : models.listModelRows(handle, projectId)) {
                list.add(toModel(handle, row));
            }
            return list;
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
            long modelId = models.requireModelId(handle, model, "model");
            long upstreamId = models.requireModelId(handle, upstream, "upstream");
            // Lock both rows in id order so two concurrent additions cannot each miss the other's edge.
            models.lock(handle, List.of(Math.min(modelId, upstreamId), Math.max(modelId, upstreamId)));
            if (dependencies.upstreamIds(handle, modelId).contains(upstreamId)) {
                return null;
            }
            if (dependencies.upstreamClosure(handle, upstreamId).contains(modelId)) {
                throw new CarraraException(DEPENDENCY_CYCLE,
                        "cannot make " + model + " depend on " + upstream + ": " + upstream + " already depends on "
                                + model + " (directly or through other models), which would make a cycle",
                        "upstream");
            }
            dependencies.insert(handle, modelId, upstreamId, now, by);
            events.insert(handle, Event.DEPENDENCY_ADDED, model.project(), model.name(), null,
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
            long modelId = models.requireModelId(handle, model, "model");
            long upstreamId = models.requireModelId(handle, upstream, "upstream");
            if (!dependencies.delete(handle, modelId, upstreamId)) {
                throw new CarraraException(NOT_FOUND, "model " + model + " does not depend on " + upstream, "upstream");
            }
            events.insert(handle, Event.DEPENDENCY_REMOVED, model.project(), model.name(), null,
                    json.createObjectNode().put("upstream", upstream.toString()), now);
            hooks.beforeCommit("removeDependency");
            return null;
        });
        return getModel(model);
    }

    public Lineage lineage(ModelRef ref, int instanceLimit) {
        requireNonNull(ref, "ref is null");
        return jdbi.withHandle(handle -> {
            ModelRow row = models.requireModel(handle, ref, "model");
            return new Lineage(ref, dependencies.upstreamTree(handle, row.modelId()), dependencies.downstreamTree(handle, row.modelId()),
                    instances.load(handle, instances.idsOf(handle, row.modelId(), instanceLimit, 0)));
        });
    }

    // ---------------------------------------------------------------- instances

    /**
     * Creates an instance whose artifact is already in the blob store, then a new instance of every
     * model downstream of it (transitively), all in one transaction. The instance's provenance is
     * the request's, with the uploader, the time and this server's runtime added.
     */
    public Instance createInstance(ModelRef ref, NewInstance request, String user) {
        requireNonNull(ref, "ref is null");
        requireNonNull(request, "request is null");
        String sha256 = request.artifact().sha256();
        ArtifactFormat format = request.artifact().artifactFormat();
        ArtifactPackaging packaging = request.artifact().artifactPackaging();
        String by = checkUser(user);
        Instant now = now();
        Provenance provenance = request.provenance().uploaded(by, now, serverRuntime);

        StoredBlob blob = statBlob(sha256).orElseThrow(() -> new CarraraException(BLOB_MISSING,
                "no blob " + sha256 + " in the blob store; upload the artifact first with POST /api/v1/blobs",
                "artifact.sha256"));
        if (packaging == ArtifactPackaging.ZIP) {
            validateArchive(sha256, format);
        }
        Artifact artifact = new Artifact(blob.sha256(), blob.size(), format, packaging, blob.uri());
        UUID id = transaction(handle -> {
            ModelRow model = models.requireModel(handle, ref, "model");
            UUID created = instances.insert(handle, model, artifact, request.metadata(), provenance, Instance.REASON_UPLOAD, by, now);
            instances.propagate(handle, dependencies.downstreamInTopologicalOrder(handle, model.modelId()), created, by, now);
            hooks.beforeCommit("createInstance");
            return created;
        });
        return getInstance(id);
    }

    public Instance getInstance(UUID id) {
        requireNonNull(id, "id is null");
        return jdbi.withHandle(handle -> instances.require(handle, id));
    }

    /** The instances of a model, newest first. */
    public Page<Instance> listInstances(ModelRef ref, int limit, int offset) {
        checkPaging(limit, offset);
        return jdbi.withHandle(handle -> {
            ModelRow model = models.requireModel(handle, ref, "model");
            List<String> ids = instances.idsOf(handle, model.modelId(), limit + 1, offset);
            return Page.fromOverfetch(instances.load(handle, ids), limit, offset);
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
            Instance instance = instances.require(handle, id);
            if (instances.deprecate(handle, id, checkedReason, by, now)) {
                events.insert(handle, Event.INSTANCE_DEPRECATED, instance.model().project(), instance.model().name(), id,
                        json.createObjectNode().put("reason", checkedReason), now);
            }
            hooks.beforeCommit("deprecate");
            return null;
        });
        return getInstance(id);
    }

    // ---------------------------------------------------------------- metrics

    public Metric addMetric(UUID id, NewMetric request, String user) {
        requireNonNull(request, "request is null");
        return recordMetrics(id, List.of(request), user, "addMetric").get(0);
    }

    /**
     * Records several metrics of one instance in one transaction, all or none, in order: one {@code metric.recorded}
     * event each, as {@link #addMetric} records them one at a time (the monitor records a window's metrics so).
     */
    public List<Metric> addMetrics(UUID id, List<NewMetric> requests, String user) {
        requireNonNull(requests, "requests is null");
        requests.forEach(request -> requireNonNull(request, "a request is null"));
        return requests.isEmpty() ? List.of() : recordMetrics(id, requests, user, "addMetrics");
    }

    /** The metrics in one transaction, locking the instance first so that the latest value of a name is well defined. */
    private List<Metric> recordMetrics(UUID id, List<NewMetric> requests, String user, String operation) {
        requireNonNull(id, "id is null");
        String by = checkUser(user);
        Instant now = now();
        List<Long> ids = transaction(handle -> {
            ModelRef ref = instances.modelOf(handle, id).orElseThrow(() -> InstanceStore.notFound(id));
            // Locking the instance row orders concurrent metrics of one instance, so the latest value is well defined.
            instances.lock(handle, id);
            List<Long> inserted = new java.util.ArrayList<>(requests.size());
            for (NewMetric request : requests) {
                long newId = metrics.insert(handle, id, request.scope(), request.name(), request.value(), request.data(),
                        request.metadata(), now, by);
                ObjectNode payload = json.createObjectNode().put("metricId", newId).put("name", request.name())
                        .put("scope", request.scope());
                if (request.value() != null) {
                    payload.put("value", request.value());
                }
                events.insert(handle, Event.METRIC_RECORDED, ref.project(), ref.name(), id, payload, now);
                inserted.add(newId);
            }
            hooks.beforeCommit(operation);
            return inserted;
        });
        List<Metric> recorded = new java.util.ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            NewMetric request = requests.get(i);
            recorded.add(new Metric(ids.get(i), id, request.name(), request.scope(), request.value(), request.data(), request.metadata(),
                    now, by));
        }
        return recorded;
    }

    /** Every metric of an instance, oldest first. */
    public List<Metric> listMetrics(UUID id) {
        requireNonNull(id, "id is null");
        return jdbi.withHandle(handle -> {
            if (!instances.exists(handle, id)) {
                throw InstanceStore.notFound(id);
            }
            return metrics.list(handle, id);
        });
    }

    // ---------------------------------------------------------------- annotations

    /** The most annotations one instance may have. */
    public static final int MAX_ANNOTATIONS = 100;

    /**
     * Sets an instance's annotation {@code key} to {@code value}, recording an {@code annotation.set} event; setting the
     * value it has already changes nothing and records no event (so that a rule reacting to annotations does not feed on
     * itself). Answers the annotation as it is.
     */
    public Annotation setAnnotation(UUID id, String key, String value, String user) {
        requireNonNull(id, "id is null");
        FieldChecks.checkKey(key, "key");
        if (value == null) {
            throw new CarraraException(INVALID_ARGUMENT, "value is required: the annotation's text (remove it to clear it)", "value");
        }
        FieldChecks.checkValue(value, "value", FieldChecks.MAX_METADATA_VALUE);
        String by = checkUser(user);
        Instant now = now();
        return transaction(handle -> {
            ModelRef ref = instances.modelOf(handle, id).orElseThrow(() -> InstanceStore.notFound(id));
            instances.lock(handle, id);   // orders concurrent changes of one instance's annotations
            Map<String, Annotation> current = annotations.list(handle, id);
            Annotation before = current.get(key);
            if (before != null && before.value().equals(value)) {
                return before;
            }
            if (before == null && current.size() >= MAX_ANNOTATIONS) {
                throw new CarraraException(INVALID_ARGUMENT, "instance " + id + " has " + MAX_ANNOTATIONS
                        + " annotations already: remove one first", "key");
            }
            annotations.put(handle, id, key, value, now, by);
            ObjectNode payload = json.createObjectNode().put("key", key).put("value", value);
            if (before != null) {
                payload.put("previous", before.value());
            }
            events.insert(handle, Event.ANNOTATION_SET, ref.project(), ref.name(), id, payload, now);
            hooks.beforeCommit("setAnnotation");
            return new Annotation(key, value, now, by);
        });
    }

    /** Removes an instance's annotation {@code key}, recording an {@code annotation.removed} event; answers what it was. */
    public Annotation removeAnnotation(UUID id, String key, String user) {
        requireNonNull(id, "id is null");
        FieldChecks.checkKey(key, "key");
        String by = checkUser(user);
        Instant now = now();
        return transaction(handle -> {
            ModelRef ref = instances.modelOf(handle, id).orElseThrow(() -> InstanceStore.notFound(id));
            instances.lock(handle, id);
            Annotation before = annotations.list(handle, id).get(key);
            if (before == null) {
                throw new CarraraException(NOT_FOUND, "instance " + id + " has no annotation '" + key + "'", "key");
            }
            annotations.remove(handle, id, key);
            events.insert(handle, Event.ANNOTATION_REMOVED, ref.project(), ref.name(), id,
                    json.createObjectNode().put("key", key).put("previous", before.value()).put("removedBy", by), now);
            hooks.beforeCommit("removeAnnotation");
            return before;
        });
    }

    /** An instance's annotations by key. */
    public Map<String, Annotation> annotations(UUID id) {
        requireNonNull(id, "id is null");
        return jdbi.withHandle(handle -> {
            if (!instances.exists(handle, id)) {
                throw InstanceStore.notFound(id);
            }
            return annotations.list(handle, id);
        });
    }

    // ---------------------------------------------------------------- search and events

    /** Runs a filter in the search language (see docs/api.md); {@code limit}/{@code offset} may be null. */
    public Page<Instance> search(String filter, Integer limit, Integer offset) {
        CompiledSearch compiled = searchCompiler.compile(filter == null ? "" : filter, limit, offset);
        // Fetch one row more than asked to learn whether there is a next page without a COUNT.
        return jdbi.withHandle(handle -> Page.fromOverfetch(
                instances.load(handle, instances.idsOf(handle, compiled, compiled.limit() + 1)), compiled.limit(), compiled.offset()));
    }

    /** Events with an id greater than {@code after}, oldest first. */
    public List<Event> events(long after, int limit) {
        checkPaging(limit, 0);
        return jdbi.withHandle(handle -> events.after(handle, after, limit));
    }

    // ---------------------------------------------------------------- internals

    private Model toModel(Handle handle, ModelRow row) {
        return models.toModel(handle, row, dependencies.upstreamIds(handle, row.modelId()),
                dependencies.downstreamIds(handle, row.modelId()));
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

    private <T> T transaction(HandleCallback<T, RuntimeException> callback) {
        return database.inTransaction(callback);
    }

    private static void checkPaging(int limit, int offset) {
        if (limit < 1 || limit > 1000) {
            throw new CarraraException(INVALID_ARGUMENT, "limit must be between 1 and 1000, not " + limit, "limit");
        }
        if (offset < 0) {
            throw new CarraraException(INVALID_ARGUMENT, "offset must not be negative", "offset");
        }
    }
}
