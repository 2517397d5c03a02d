package io.carrara.registry.deploy;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.now;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.INTERNAL_ERROR;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.RegistryErrorCode;
import io.carrara.registry.RegistryHooks;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.deploy.DeployOutcome.Kind;
import io.carrara.registry.deploy.Deployment.MissingFeatures;
import io.carrara.registry.deploy.DeploymentRevision.Action;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Event;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The deployments of models, over the registry database: the current state of each name, its
 * append-only history, and a registry event per change, all written in one transaction.
 *
 * <pre>{@code
 * DeploymentRegistry deployments = new DeploymentRegistry(database);
 * deployments.deploy(NewDeployment.latest("eta", "demand/eta"), "alice");   // resolves the newest instance now
 * Deployment eta = deployments.get("eta");
 * deployments.undeploy("eta", "alice");                                     // the history stays
 * }</pre>
 *
 * Every routed instance must exist, belong to the deployment's model and not be deprecated; a
 * failed call throws {@link CarraraException} naming the offending field and writes nothing.
 */
public final class DeploymentRegistry {
    private static final int MAX_REASON = 4_000;
    // Format of the routing and features JSON columns; readers branch on it when it changes.
    private static final int DOCUMENT_VERSION = 1;
    private static final TypeReference<List<FeatureLookup>> LOOKUP_LIST = new TypeReference<>() {};

    private final RegistryDatabase database;
    private final Jdbi jdbi;
    private final RegistryHooks hooks;
    private final ObjectMapper json = RegistryJson.mapper();

    public DeploymentRegistry(RegistryDatabase database) {
        this(database, RegistryHooks.NONE);
    }

    public DeploymentRegistry(RegistryDatabase database, RegistryHooks hooks) {
        this.database = requireNonNull(database, "database is null");
        this.jdbi = database.jdbi();
        this.hooks = requireNonNull(hooks, "hooks is null");
    }

    /**
     * Creates the deployment or replaces its configuration as a new revision. A request equal to the
     * current configuration (after resolving {@code latest}) changes nothing and writes no revision.
     */
    public DeployOutcome deploy(NewDeployment request, String user) {
        return deploy(request, user, DeploymentCheck.NONE);
    }

    /**
     * As {@link #deploy(NewDeployment, String)}, but a change takes effect only once {@code check}
     * accepted the deployment as it would be (with {@code latest} resolved to the instance it names
     * now), e.g. once the server loaded its instances. A refused change writes a {@code refused}
     * revision with the reason to the history, leaves the current configuration in place, and throws
     * DEPLOYMENT_REFUSED with the reason. The check runs outside any transaction, so a slow model load
     * holds no lock; the change is then committed for the instances that were checked.
     */
    public DeployOutcome deploy(NewDeployment request, String user, DeploymentCheck check) {
        requireNonNull(request, "request is null");
        requireNonNull(check, "check is null");
        // The request checked its own shape when it was built; defaults are filled in here.
        String name = request.name();
        ModelRef requestedModel = request.model() == null ? null : ModelRef.parse(request.model(), "model");
        RoutingRequest routingRequest = RoutingRequest.of(request);
        List<FeatureLookup> features = request.features() == null ? List.of() : request.features();
        MissingFeatures missingFeatures = "reject".equals(request.missingFeatures()) ? MissingFeatures.REJECT : MissingFeatures.NULL;
        double logSampleRate = request.logSampleRate() == null ? 0.0 : request.logSampleRate();
        List<String> outputs = request.outputs() == null ? List.of() : request.outputs();
        String by = checkUser(user);
        Proposal proposal = database.inTransaction(handle -> propose(handle, name, requestedModel, routingRequest, features,
                missingFeatures, logSampleRate, outputs, by, false));
        if (proposal.unchanged()) {
            return new DeployOutcome(proposal.current().orElseThrow(), Kind.UNCHANGED);
        }
        try {
            check.check(proposal.deployment());
        } catch (CarraraException refusal) {
            DeploymentRevision refused = refuse(proposal, refusal.getMessage());
            String keeps = proposal.current().map(current -> "; it keeps serving revision " + current.revision())
                    .orElse("; nothing was deployed");
            throw new CarraraException(RegistryErrorCode.DEPLOYMENT_REFUSED, "deployment " + name + " was not changed: "
                    + refusal.getMessage() + keeps + " (the history records the refused change as revision "
                    + refused.revision() + ")", refusal.field().orElse(proposal.routingField()), refusal);
        }
        RoutingRequest checked = RoutingRequest.of(proposal.deployment().routing());
        return database.inTransaction(handle -> {
            Proposal current = propose(handle, name, proposal.deployment().model(), checked, features, missingFeatures,
                    logSampleRate, outputs, by, true);
            if (current.unchanged()) {
                return new DeployOutcome(current.current().orElseThrow(), Kind.UNCHANGED);
            }
            return commit(handle, current);
        });
    }

    /**
     * A change as it would be made: the resolved model and routing, the deployment it would leave in
     * place, and the one it replaces. {@code lock} takes the row lock for a commit.
     */
    private record Proposal(Deployment deployment, long modelId, Optional<Deployment> current, boolean unchanged,
            String routingField) {}

    private Proposal propose(Handle handle, String name, ModelRef requestedModel, RoutingRequest routingRequest,
            List<FeatureLookup> features, MissingFeatures missingFeatures, double logSampleRate, List<String> outputs, String by,
            boolean lock) {
        Long modelId = requestedModel == null ? null : requireModelId(handle, requestedModel);
        Routing routing;
        String routingField;
        if (routingRequest instanceof RoutingRequest.Latest) {
            if (modelId == null) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "model is required with latest: name the model whose newest instance to deploy, e.g."
                                + " demand/eta", "model");
            }
            routing = new Routing.Pinned(latestInstance(handle, modelId, requestedModel));
            routingField = "latest";
        } else if (routingRequest instanceof RoutingRequest.Pinned pinned) {
            InstanceRow row = requireInstance(handle, pinned.instance(), "instance");
            modelId = modelId == null ? row.modelId() : modelId;
            checkRoutable(handle, row, modelId, "instance");
            routing = new Routing.Pinned(pinned.instance());
            routingField = "instance";
        } else {
            RoutingRequest.Partitioned partitioned = (RoutingRequest.Partitioned) routingRequest;
            InstanceRow fallback = requireInstance(handle, partitioned.fallback(), "default");
            modelId = modelId == null ? fallback.modelId() : modelId;
            checkRoutable(handle, fallback, modelId, "default");
            for (Map.Entry<String, UUID> entry : partitioned.instances().entrySet()) {
                String field = "instances." + entry.getKey();
                checkRoutable(handle, requireInstance(handle, entry.getValue(), field), modelId, field);
            }
            routing = new Routing.Partitioned(partitioned.field(), partitioned.instances(), partitioned.fallback());
            routingField = "instances";
        }
        ModelRef model = refOf(handle, modelId);
        Optional<Deployment> current = lock ? lockCurrent(handle, name) : findCurrent(handle, name);
        boolean unchanged = current.isPresent()
                && sameConfiguration(current.get(), model, routing, features, missingFeatures, logSampleRate, outputs);
        Deployment deployment = new Deployment(name, model, routing, features, missingFeatures, logSampleRate, outputs,
                lastRevision(handle, name) + 1, now(), by);
        return new Proposal(deployment, modelId, current, unchanged, routingField);
    }

    private DeployOutcome commit(Handle handle, Proposal proposal) {
        Deployment deployment = proposal.deployment();
        String name = deployment.name();
        long modelId = proposal.modelId();
        Instant now = deployment.updatedAt();
        Optional<Deployment> current = proposal.current();
        List<String> changed = changedFields(current.orElse(null), deployment);
        String routing = routingJson(deployment.routing());
        String features = RegistryJson.write(deployment.features());
        if (current.isPresent()) {
            handle.createUpdate("""
                            UPDATE deployments SET model_id = ?, routing = ?, features = ?, missing_features = ?,
                                   log_sample_rate = ?, outputs = ?, revision = ?, updated_at = ?, updated_by = ?
                            WHERE name = ?""")
                    .bind(0, modelId).bind(1, routing).bind(2, features)
                    .bind(3, wireName(deployment.missingFeatures())).bind(4, deployment.logSampleRate())
                    .bind(5, RegistryJson.write(deployment.outputs()))
                    .bind(6, deployment.revision()).bind(7, toDb(now)).bind(8, deployment.updatedBy()).bind(9, name)
                    .execute();
        } else {
            handle.createUpdate("""
                            INSERT INTO deployments (name, model_id, routing, features, missing_features, log_sample_rate,
                                                     outputs, revision, updated_at, updated_by)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .bind(0, name).bind(1, modelId).bind(2, routing).bind(3, features)
                    .bind(4, wireName(deployment.missingFeatures())).bind(5, deployment.logSampleRate())
                    .bind(6, RegistryJson.write(deployment.outputs()))
                    .bind(7, deployment.revision()).bind(8, toDb(now)).bind(9, deployment.updatedBy())
                    .execute();
        }
        Action action = current.isPresent() ? Action.UPDATED : Action.CREATED;
        insertHistory(handle, new DeploymentRevision(name, deployment.revision(), action, deployment.model(),
                deployment.routing(), deployment.features(), deployment.missingFeatures(), deployment.logSampleRate(),
                deployment.outputs(), changed, now, deployment.updatedBy(), null), modelId);
        event(handle, action == Action.CREATED ? Event.DEPLOYMENT_CREATED : Event.DEPLOYMENT_UPDATED, deployment, changed, now);
        hooks.beforeCommit("deploy");
        return new DeployOutcome(deployment, action == Action.CREATED ? Kind.CREATED : Kind.UPDATED);
    }

    /** Records a change the check refused: a {@code refused} revision with the reason, and a {@code deployment.refused} event. */
    private DeploymentRevision refuse(Proposal proposal, String reason) {
        String shortened = reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "…";
        return database.inTransaction(handle -> {
            Deployment proposed = proposal.deployment();
            Instant now = now();
            int revision = lastRevision(handle, proposed.name()) + 1;
            DeploymentRevision refused = new DeploymentRevision(proposed.name(), revision, Action.REFUSED, proposed.model(),
                    proposed.routing(), proposed.features(), proposed.missingFeatures(), proposed.logSampleRate(),
                    proposed.outputs(), changedFields(proposal.current().orElse(null), proposed), now, proposed.updatedBy(), shortened);
            insertHistory(handle, refused, proposal.modelId());
            ObjectNode payload = json.createObjectNode().put("deployment", proposed.name()).put("revision", revision)
                    .put("reason", shortened);
            ArrayNode instances = payload.putArray("instances");
            instancesOf(proposed.routing()).forEach(id -> instances.add(id.toString()));
            insertEvent(handle, Event.DEPLOYMENT_REFUSED, proposed.model(), payload, now);
            return refused;
        });
    }

    public Deployment get(String name) {
        Names.checkName(name, "name");
        return jdbi.withHandle(handle -> handle.createQuery(DEPLOYMENT_SELECT + " WHERE d.name = ?")
                .bind(0, name)
                .map((rs, ctx) -> mapDeployment(rs))
                .findOne()
                .orElseThrow(() -> deploymentNotFound(name)));
    }

    /** Every current deployment, by name. */
    public List<Deployment> list() {
        return jdbi.withHandle(handle -> handle.createQuery(DEPLOYMENT_SELECT + " ORDER BY d.name")
                .map((rs, ctx) -> mapDeployment(rs))
                .list());
    }

    /** Every revision of the name, oldest first, across undeploys; NOT_FOUND if it was never deployed. */
    public List<DeploymentRevision> history(String name) {
        Names.checkName(name, "name");
        List<DeploymentRevision> revisions = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT h.*, m.name AS model_name, p.name AS project_name
                        FROM deployment_history h
                        JOIN models m ON m.model_id = h.model_id
                        JOIN projects p ON p.project_id = m.project_id
                        WHERE h.name = ? ORDER BY h.revision""")
                .bind(0, name)
                .map((rs, ctx) -> new DeploymentRevision(
                        rs.getString("name"),
                        rs.getInt("revision"),
                        Action.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
                        new ModelRef(rs.getString("project_name"), rs.getString("model_name")),
                        readRouting(rs.getString("routing")),
                        readFeatures(rs.getString("features")),
                        parseStoredMissingFeatures(rs.getString("missing_features")),
                        rs.getDouble("log_sample_rate"),
                        readOutputs(rs.getString("outputs")),
                        readStrings(rs.getString("changed")),
                        fromDb(rs.getObject("changed_at", LocalDateTime.class)),
                        rs.getString("changed_by"),
                        rs.getString("reason")))
                .list());
        if (revisions.isEmpty()) {
            throw new CarraraException(NOT_FOUND, "deployment '" + name + "' was never deployed", "name");
        }
        return revisions;
    }

    /** Removes the deployment; its history stays and gains an {@code undeployed} revision, which is returned. */
    public DeploymentRevision undeploy(String name, String user) {
        Names.checkName(name, "name");
        String by = checkUser(user);
        Instant now = now();
        return database.inTransaction(handle -> {
            Deployment current = lockCurrent(handle, name).orElseThrow(() -> deploymentNotFound(name));
            long modelId = requireModelId(handle, current.model());
            int revision = lastRevision(handle, name) + 1;
            handle.createUpdate("DELETE FROM deployments WHERE name = ?").bind(0, name).execute();
            DeploymentRevision undeployed = new DeploymentRevision(name, revision, Action.UNDEPLOYED, current.model(),
                    current.routing(), current.features(), current.missingFeatures(), current.logSampleRate(), current.outputs(), List.of(),
                    now, by, null);
            insertHistory(handle, undeployed, modelId);
            ObjectNode payload = json.createObjectNode().put("deployment", name).put("revision", revision);
            insertEvent(handle, Event.DEPLOYMENT_UNDEPLOYED, current.model(), payload, now);
            hooks.beforeCommit("undeploy");
            return undeployed;
        });
    }

    // ---------------------------------------------------------------- validation

    /** The routing the request asks for, checked for shape; instances are checked against the database later. */
    private sealed interface RoutingRequest {
        record Latest() implements RoutingRequest {}

        record Pinned(UUID instance) implements RoutingRequest {}

        record Partitioned(String field, Map<String, UUID> instances, UUID fallback) implements RoutingRequest {}

        /** The routing {@code request} asks for (which it checked for shape). */
        static RoutingRequest of(NewDeployment request) {
            if (request.partitionBy() != null) {
                return new Partitioned(request.partitionBy(), request.instances(), request.fallback());
            }
            return Boolean.TRUE.equals(request.latest()) ? new Latest() : new Pinned(request.instance());
        }

        /** The request that deploys exactly {@code routing} again. */
        static RoutingRequest of(Routing routing) {
            if (routing instanceof Routing.Partitioned partitioned) {
                return new Partitioned(partitioned.field(), partitioned.instances(), partitioned.fallback());
            }
            return new Pinned(((Routing.Pinned) routing).instance());
        }
    }

    private static MissingFeatures parseStoredMissingFeatures(String value) {
        return MissingFeatures.valueOf(value.toUpperCase(Locale.ROOT));
    }

    private static String wireName(MissingFeatures value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static String checkUser(String user) {
        if (user == null || user.isBlank()) {
            return "anonymous";
        }
        if (user.length() > 128) {
            throw new CarraraException(INVALID_ARGUMENT, "user is longer than 128 characters", "user");
        }
        return user;
    }

    // ---------------------------------------------------------------- instances and models

    private record InstanceRow(UUID id, long modelId, int version, boolean deprecated, String deprecatedReason) {}

    private static InstanceRow requireInstance(Handle handle, UUID id, String field) {
        return handle.createQuery(
                        "SELECT instance_id, model_id, version, deprecated, deprecated_reason FROM instances WHERE instance_id = ?")
                .bind(0, id.toString())
                .map((rs, ctx) -> new InstanceRow(UUID.fromString(rs.getString("instance_id")), rs.getLong("model_id"),
                        rs.getInt("version"), rs.getBoolean("deprecated"), rs.getString("deprecated_reason")))
                .findOne()
                .orElseThrow(() -> new CarraraException(NOT_FOUND,
                        field + ": instance " + id + " does not exist; list a model's instances with: carrara instance list"
                                + " PROJECT/MODEL", field));
    }

    private void checkRoutable(Handle handle, InstanceRow row, long modelId, String field) {
        if (row.modelId() != modelId) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + ": instance " + row.id() + " belongs to " + refOf(handle, row.modelId()) + ", not to "
                            + refOf(handle, modelId) + "; a deployment serves instances of one model", field);
        }
        if (row.deprecated()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + ": instance " + row.id() + " (version " + row.version() + " of " + refOf(handle, modelId)
                            + ") is deprecated (" + row.deprecatedReason() + "); deploy another instance or use latest",
                    field);
        }
    }

    private static UUID latestInstance(Handle handle, long modelId, ModelRef model) {
        return handle.createQuery("""
                        SELECT instance_id FROM instances WHERE model_id = ? AND deprecated = ?
                        ORDER BY version DESC LIMIT 1""")
                .bind(0, modelId).bind(1, false)
                .mapTo(String.class)
                .findOne()
                .map(UUID::fromString)
                .orElseThrow(() -> new CarraraException(INVALID_ARGUMENT,
                        "model " + model + " has no instance that is not deprecated; upload one first with: carrara"
                                + " instance upload " + model + " PATH", "latest"));
    }

    private static long requireModelId(Handle handle, ModelRef ref) {
        return handle.createQuery("""
                        SELECT m.model_id FROM models m JOIN projects p ON p.project_id = m.project_id
                        WHERE p.name = ? AND m.name = ?""")
                .bind(0, ref.project()).bind(1, ref.name())
                .mapTo(Long.class)
                .findOne()
                .orElseThrow(() -> new CarraraException(NOT_FOUND,
                        "model " + ref + " does not exist; create it with: carrara model create " + ref, "model"));
    }

    private static ModelRef refOf(Handle handle, long modelId) {
        return handle.createQuery(
                        "SELECT p.name, m.name FROM models m JOIN projects p ON p.project_id = m.project_id WHERE m.model_id = ?")
                .bind(0, modelId)
                .map((rs, ctx) -> new ModelRef(rs.getString(1), rs.getString(2)))
                .one();
    }

    // ---------------------------------------------------------------- rows

    private static final String DEPLOYMENT_SELECT = """
            SELECT d.*, m.name AS model_name, p.name AS project_name
            FROM deployments d
            JOIN models m ON m.model_id = d.model_id
            JOIN projects p ON p.project_id = m.project_id""";

    private Optional<Deployment> findCurrent(Handle handle, String name) {
        return handle.createQuery(DEPLOYMENT_SELECT + " WHERE d.name = ?")
                .bind(0, name)
                .map((rs, ctx) -> mapDeployment(rs))
                .findOne();
    }

    private Optional<Deployment> lockCurrent(Handle handle, String name) {
        // Locks the row so concurrent changes of one deployment take turns; a concurrent first deploy
        // of a new name loses on the primary key instead and answers CONFLICT.
        Optional<String> locked = handle.createQuery("SELECT name FROM deployments WHERE name = ? FOR UPDATE")
                .bind(0, name).mapTo(String.class).findOne();
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        return handle.createQuery(DEPLOYMENT_SELECT + " WHERE d.name = ?")
                .bind(0, name)
                .map((rs, ctx) -> mapDeployment(rs))
                .findOne();
    }

    private static int lastRevision(Handle handle, String name) {
        return handle.createQuery("SELECT COALESCE(MAX(revision), 0) FROM deployment_history WHERE name = ?")
                .bind(0, name).mapTo(Integer.class).one();
    }

    private Deployment mapDeployment(ResultSet rs) throws SQLException {
        return new Deployment(
                rs.getString("name"),
                new ModelRef(rs.getString("project_name"), rs.getString("model_name")),
                readRouting(rs.getString("routing")),
                readFeatures(rs.getString("features")),
                parseStoredMissingFeatures(rs.getString("missing_features")),
                rs.getDouble("log_sample_rate"),
                readOutputs(rs.getString("outputs")),
                rs.getInt("revision"),
                fromDb(rs.getObject("updated_at", LocalDateTime.class)),
                rs.getString("updated_by"));
    }

    private void insertHistory(Handle handle, DeploymentRevision revision, long modelId) {
        handle.createUpdate("""
                        INSERT INTO deployment_history (name, revision, action, model_id, routing, features, missing_features,
                                                        log_sample_rate, outputs, changed, changed_at, changed_by, reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .bind(0, revision.name()).bind(1, revision.revision()).bind(2, revision.action().wireName())
                .bind(3, modelId).bind(4, routingJson(revision.routing())).bind(5, RegistryJson.write(revision.features()))
                .bind(6, wireName(revision.missingFeatures())).bind(7, revision.logSampleRate())
                .bind(8, RegistryJson.write(revision.outputs()))
                .bind(9, RegistryJson.write(revision.changed())).bind(10, toDb(revision.changedAt())).bind(11, revision.changedBy())
                .bind(12, revision.reason())
                .execute();
    }

    private void event(Handle handle, String type, Deployment deployment, List<String> changed, Instant now) {
        ObjectNode payload = json.createObjectNode()
                .put("deployment", deployment.name())
                .put("revision", deployment.revision());
        changed.forEach(payload.putArray("changed")::add);
        ArrayNode instances = payload.putArray("instances");
        instancesOf(deployment.routing()).forEach(id -> instances.add(id.toString()));
        insertEvent(handle, type, deployment.model(), payload, now);
    }

    private void insertEvent(Handle handle, String type, ModelRef model, JsonNode payload, Instant now) {
        handle.createUpdate("INSERT INTO events (event_type, project, model, instance_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, type).bind(1, model.project()).bind(2, model.name()).bind(3, (String) null)
                .bind(4, RegistryJson.write(payload)).bind(5, toDb(now))
                .execute();
    }

    /** Every instance the routing can send a row to, in a stable order. */
    public static Set<UUID> instancesOf(Routing routing) {
        Set<UUID> instances = new LinkedHashSet<>();
        if (routing instanceof Routing.Pinned pinned) {
            instances.add(pinned.instance());
        } else if (routing instanceof Routing.Partitioned partitioned) {
            instances.add(partitioned.fallback());
            new TreeMap<>(partitioned.instances()).values().forEach(instances::add);
        }
        return instances;
    }

    private static boolean sameConfiguration(Deployment current, ModelRef model, Routing routing,
            List<FeatureLookup> features, MissingFeatures missingFeatures, double logSampleRate, List<String> outputs) {
        return current.model().equals(model) && current.routing().equals(routing) && current.features().equals(features)
                && current.missingFeatures() == missingFeatures && current.logSampleRate() == logSampleRate
                && current.outputs().equals(outputs);
    }

    private static List<String> changedFields(Deployment before, Deployment after) {
        List<String> changed = new ArrayList<>();
        if (before == null || !before.model().equals(after.model())) {
            changed.add("model");
        }
        if (before == null || !before.routing().equals(after.routing())) {
            changed.add("routing");
        }
        if (before == null || !before.features().equals(after.features())) {
            changed.add("features");
        }
        if (before == null || before.missingFeatures() != after.missingFeatures()) {
            changed.add("missingFeatures");
        }
        if (before == null || before.logSampleRate() != after.logSampleRate()) {
            changed.add("logSampleRate");
        }
        if (before == null || !before.outputs().equals(after.outputs())) {
            changed.add("outputs");
        }
        return changed;
    }

    // ---------------------------------------------------------------- JSON columns

    private String routingJson(Routing routing) {
        ObjectNode node = json.createObjectNode().put("v", DOCUMENT_VERSION);
        if (routing instanceof Routing.Pinned pinned) {
            node.put("type", "pinned").put("instance", pinned.instance().toString());
        } else if (routing instanceof Routing.Partitioned partitioned) {
            node.put("type", "partitioned").put("field", partitioned.field());
            ObjectNode instances = node.putObject("instances");
            new TreeMap<>(partitioned.instances()).forEach((value, id) -> instances.put(value, id.toString()));
            node.put("fallback", partitioned.fallback().toString());
        }
        return RegistryJson.write(node);
    }

    private Routing readRouting(String value) {
        JsonNode node = RegistryJson.readTree(value);
        return switch (node.path("type").asText()) {
            case "pinned" -> new Routing.Pinned(UUID.fromString(node.path("instance").asText()));
            case "partitioned" -> {
                Map<String, UUID> instances = new TreeMap<>();
                node.path("instances").fields()
                        .forEachRemaining(entry -> instances.put(entry.getKey(), UUID.fromString(entry.getValue().asText())));
                yield new Routing.Partitioned(node.path("field").asText(), instances,
                        UUID.fromString(node.path("fallback").asText()));
            }
            default -> throw new CarraraException(INTERNAL_ERROR, "stored routing has an unknown type: " + value);
        };
    }

    private List<FeatureLookup> readFeatures(String value) {
        try {
            return json.readValue(value, LOOKUP_LIST);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INTERNAL_ERROR, "stored feature lookups are unreadable: " + e.getOriginalMessage(),
                    null, e);
        }
    }

    /** Stored outputs: null in rows written before V17, meaning every column, as the empty list does. */
    private List<String> readOutputs(String value) {
        return value == null ? List.of() : readStrings(value);
    }

    private List<String> readStrings(String value) {
        List<String> values = new ArrayList<>();
        RegistryJson.readTree(value).forEach(item -> values.add(item.asText()));
        return values;
    }

    private static CarraraException deploymentNotFound(String name) {
        return new CarraraException(NOT_FOUND,
                "deployment '" + name + "' does not exist; list deployments with: carrara deployment list", "name");
    }
}
