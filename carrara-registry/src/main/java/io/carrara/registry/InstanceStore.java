package io.carrara.registry;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.INTERNAL_ERROR;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.ModelStore.ModelRow;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Artifact;
import io.carrara.registry.model.ArtifactPackaging;
import io.carrara.registry.model.Event;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Provenance;
import io.carrara.registry.search.CompiledSearch;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Instances: their rows with metadata, provenance and dependency snapshot, versions, deprecation,
 * the instances made by propagation, and the rows a search selects.
 */
final class InstanceStore {
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final ModelStore models;
    private final DependencyStore dependencies;
    private final EventStore events;
    private final ObjectMapper json = RegistryJson.mapper();

    InstanceStore(ModelStore models, DependencyStore dependencies, EventStore events) {
        this.models = requireNonNull(models, "models is null");
        this.dependencies = requireNonNull(dependencies, "dependencies is null");
        this.events = requireNonNull(events, "events is null");
    }

    /**
     * Writes a new instance of {@code model} (the next version, after locking the model's row) with
     * the newest instance of each upstream model as its dependency snapshot, and its event.
     */
    UUID insert(Handle handle, ModelRow model, Artifact artifact, Map<String, String> metadata, Provenance provenance,
            String reason, String by, Instant now) {
        models.lock(handle, List.of(model.modelId()));
        Optional<String> previous = latestId(handle, model.modelId());
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
        for (long upstreamId : dependencies.upstreamIds(handle, model.modelId())) {
            Optional<String> upstreamInstance = latestId(handle, upstreamId);
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
        events.insert(handle, Event.INSTANCE_CREATED, model.project(), model.name(), id, payload, now);
        return id;
    }

    /**
     * Gallery's dependency propagation: every model of {@code downstreamModels} (in topological
     * order) that has an instance gets a new one (same artifact and metadata, fresh dependency
     * snapshot, provenance saying it was propagated from {@code rootInstance}).
     */
    void propagate(Handle handle, List<Long> downstreamModels, UUID rootInstance, String by, Instant now) {
        for (long modelId : downstreamModels) {
            Optional<String> latest = latestId(handle, modelId);
            if (latest.isPresent()) {
                ModelRow model = models.modelRow(handle, modelId);
                Instance previous = load(handle, List.of(latest.get())).get(0);
                insert(handle, model, previous.artifact(), previous.metadata(), previous.provenance().propagated(rootInstance, now),
                        Instance.REASON_DEPENDENCY_UPDATE, by, now);
            }
        }
    }

    /** Flags the instance as deprecated; false when it already was. */
    boolean deprecate(Handle handle, UUID id, String reason, String by, Instant now) {
        return handle.createUpdate("""
                        UPDATE instances SET deprecated = ?, deprecated_reason = ?, deprecated_at = ?, deprecated_by = ?
                        WHERE instance_id = ? AND deprecated = ?""")
                .bind(0, true).bind(1, reason).bind(2, toDb(now)).bind(3, by).bind(4, id.toString()).bind(5, false)
                .execute() > 0;
    }

    Optional<Instance> find(Handle handle, UUID id) {
        return load(handle, List.of(id.toString())).stream().findFirst();
    }

    Instance require(Handle handle, UUID id) {
        return find(handle, id).orElseThrow(() -> notFound(id));
    }

    /** Ids of the model's instances, newest first. */
    List<String> idsOf(Handle handle, long modelId, int limit, int offset) {
        return handle.createQuery("SELECT instance_id FROM instances WHERE model_id = ? ORDER BY version DESC LIMIT ? OFFSET ?")
                .bind(0, modelId).bind(1, limit).bind(2, offset)
                .mapTo(String.class)
                .list();
    }

    /** Ids of the instances a compiled search selects, with up to {@code limit} rows (its own limit aside). */
    List<String> idsOf(Handle handle, CompiledSearch compiled, int limit) {
        Query query = handle.createQuery(compiled.sql());
        // The compiler puts LIMIT and OFFSET last.
        List<Object> parameters = new ArrayList<>(compiled.parameters());
        parameters.set(parameters.size() - 2, limit);
        for (int i = 0; i < parameters.size(); i++) {
            query.bind(i, parameters.get(i));
        }
        return query.mapTo(String.class).list();
    }

    /** The model of an instance, or empty when there is no such instance. */
    Optional<ModelRef> modelOf(Handle handle, UUID id) {
        return handle.createQuery("""
                        SELECT p.name AS project_name, m.name AS model_name FROM instances i
                        JOIN models m ON m.model_id = i.model_id JOIN projects p ON p.project_id = m.project_id
                        WHERE i.instance_id = ?""")
                .bind(0, id.toString())
                .map((rs, ctx) -> new ModelRef(rs.getString("project_name"), rs.getString("model_name")))
                .findOne();
    }

    boolean exists(Handle handle, UUID id) {
        return handle.createQuery("SELECT COUNT(*) FROM instances WHERE instance_id = ?").bind(0, id.toString())
                .mapTo(Integer.class).one() > 0;
    }

    /** Locks the instance's row until the transaction ends. */
    void lock(Handle handle, UUID id) {
        handle.createQuery("SELECT instance_id FROM instances WHERE instance_id = ? FOR UPDATE")
                .bind(0, id.toString()).mapTo(String.class).one();
    }

    /** The instances of {@code ids}, in that order; ids without an instance are skipped. */
    List<Instance> load(Handle handle, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, UUID>> snapshots = new HashMap<>();
        handle.createQuery("""
                        SELECT d.instance_id, d.upstream_instance_id, p.name AS project_name, m.name AS model_name
                        FROM instance_dependencies d
                        JOIN models m ON m.model_id = d.upstream_model_id
                        JOIN projects p ON p.project_id = m.project_id
                        WHERE d.instance_id IN (<ids>)""")
                .bindList("ids", ids)
                .map((rs, ctx) -> {
                    snapshots.computeIfAbsent(rs.getString("instance_id"), key -> new TreeMap<>())
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
                .map((rs, ctx) -> mapInstance(rs, snapshots.getOrDefault(rs.getString("instance_id"), Map.of())))
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

    static CarraraException notFound(UUID id) {
        return new CarraraException(NOT_FOUND, "instance " + id + " does not exist", "id");
    }

    private Optional<String> latestId(Handle handle, long modelId) {
        return handle.createQuery("SELECT instance_id FROM instances WHERE model_id = ? ORDER BY version DESC LIMIT 1")
                .bind(0, modelId).mapTo(String.class).findOne();
    }

    private Instance mapInstance(ResultSet rs, Map<String, UUID> snapshot) throws SQLException {
        String id = rs.getString("instance_id");
        String previous = rs.getString("previous_instance_id");
        LocalDateTime deprecatedAt = rs.getObject("deprecated_at", LocalDateTime.class);
        return new Instance(
                UUID.fromString(id),
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
                RegistryJson.read(rs.getString("metadata"), STRING_MAP),
                readProvenance(id, rs.getString("provenance")),
                snapshot,
                rs.getBoolean("deprecated"),
                rs.getString("deprecated_reason"),
                deprecatedAt == null ? null : fromDb(deprecatedAt),
                rs.getString("deprecated_by"));
    }

    /**
     * A stored provenance in either format: rows written before format 2 hold a format-1 flat map,
     * upgraded on every read by {@link Provenance#fromVersion1} (the rows are immutable history, so
     * they are never rewritten).
     */
    static Provenance readProvenance(String instanceId, String stored) {
        try {
            return Provenance.fromJson(RegistryJson.readTree(stored));
        } catch (CarraraException e) {
            if (e.errorCode().equals(INTERNAL_ERROR.toErrorCode())) {
                throw e;
            }
            throw new CarraraException(INTERNAL_ERROR,
                    "stored provenance of instance " + instanceId + " is unreadable: " + e.getMessage(), null, e);
        }
    }

    /** The value as a number when it is written as a plain decimal number (not NaN, hex or {@code 1d}). */
    private static Double parseNumber(String value) {
        if (!DECIMAL.matcher(value).matches()) {
            return null;
        }
        double number = Double.parseDouble(value);
        return Double.isFinite(number) ? number : null;
    }
}
