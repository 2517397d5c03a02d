package io.carrara.registry;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;

import com.fasterxml.jackson.core.type.TypeReference;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Model;
import io.carrara.registry.model.Project;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Projects and models: their rows, lookups by name and id, and row locks on models. */
final class ModelStore {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
    private static final String MODEL_SELECT = """
            SELECT m.model_id, m.project_id, p.name AS project_name, m.name, m.description, m.owner, m.model_type,
                   m.features, m.hyperparameters, m.tags, m.previous_model_id, m.created_at, m.created_by
            FROM models m JOIN projects p ON p.project_id = m.project_id""";

    /** A model's row as stored; {@link #toModel} makes it a {@link Model}. */
    record ModelRow(long modelId, String project, String name, String description, String owner, String type,
            String features, String hyperparameters, String tags, Long previousModelId, Instant createdAt, String createdBy) {
        ModelRef ref() {
            return new ModelRef(project, name);
        }
    }

    // ---------------------------------------------------------------- projects

    void insertProject(Handle handle, String name, String description, Instant now, String by) {
        handle.createUpdate("INSERT INTO projects (name, description, created_at, created_by) VALUES (?, ?, ?, ?)")
                .bind(0, name).bind(1, description).bind(2, toDb(now)).bind(3, by)
                .execute();
    }

    Optional<Project> findProject(Handle handle, String name) {
        return handle.createQuery("SELECT name, description, created_at, created_by FROM projects WHERE name = ?")
                .bind(0, name)
                .map((rs, ctx) -> mapProject(rs))
                .findOne();
    }

    List<Project> listProjects(Handle handle) {
        return handle.createQuery("SELECT name, description, created_at, created_by FROM projects ORDER BY name")
                .map((rs, ctx) -> mapProject(rs))
                .list();
    }

    Optional<Long> findProjectId(Handle handle, String name) {
        return handle.createQuery("SELECT project_id FROM projects WHERE name = ?").bind(0, name).mapTo(Long.class).findOne();
    }

    long requireProjectId(Handle handle, String name) {
        return findProjectId(handle, name).orElseThrow(() -> projectNotFound(name));
    }

    // ---------------------------------------------------------------- models

    void insertModel(Handle handle, long projectId, String name, String description, String owner, String type,
            List<String> features, Map<String, String> hyperparameters, List<String> tags, Long previousId, Instant now,
            String by) {
        handle.createUpdate("""
                        INSERT INTO models (project_id, name, description, owner, model_type, features, hyperparameters,
                                            tags, previous_model_id, created_at, created_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .bind(0, projectId).bind(1, name).bind(2, description).bind(3, owner).bind(4, type)
                .bind(5, RegistryJson.write(features)).bind(6, RegistryJson.write(hyperparameters)).bind(7, RegistryJson.write(tags))
                .bind(8, previousId).bind(9, toDb(now)).bind(10, by)
                .execute();
    }

    List<ModelRow> listModelRows(Handle handle, long projectId) {
        return handle.createQuery(MODEL_SELECT + " WHERE m.project_id = ? ORDER BY m.name")
                .bind(0, projectId)
                .map((rs, ctx) -> mapModelRow(rs))
                .list();
    }

    ModelRow modelRow(Handle handle, long modelId) {
        return handle.createQuery(MODEL_SELECT + " WHERE m.model_id = ?").bind(0, modelId)
                .map((rs, ctx) -> mapModelRow(rs)).one();
    }

    Optional<Long> findModelId(Handle handle, ModelRef ref) {
        return handle.createQuery("""
                        SELECT m.model_id FROM models m JOIN projects p ON p.project_id = m.project_id
                        WHERE p.name = ? AND m.name = ?""")
                .bind(0, ref.project()).bind(1, ref.name()).mapTo(Long.class).findOne();
    }

    long requireModelId(Handle handle, ModelRef ref, String field) {
        return findModelId(handle, ref).orElseThrow(() -> modelNotFound(ref, field));
    }

    ModelRow requireModel(Handle handle, ModelRef ref, String field) {
        return handle.createQuery(MODEL_SELECT + " WHERE p.name = ? AND m.name = ?")
                .bind(0, ref.project()).bind(1, ref.name())
                .map((rs, ctx) -> mapModelRow(rs))
                .findOne()
                .orElseThrow(() -> modelNotFound(ref, field));
    }

    /** The model of {@code row}, with the models it depends on and those that depend on it (by id). */
    Model toModel(Handle handle, ModelRow row, Collection<Long> upstreamIds, Collection<Long> downstreamIds) {
        ModelRef previous = row.previousModelId() == null ? null : refOf(handle, row.previousModelId());
        List<ModelRef> next = refsOf(handle, handle.createQuery("SELECT model_id FROM models WHERE previous_model_id = ?")
                .bind(0, row.modelId()).mapTo(Long.class).list());
        return new Model(
                row.ref(),
                row.description(),
                row.owner(),
                row.type(),
                RegistryJson.read(row.features(), STRING_LIST),
                RegistryJson.read(row.hyperparameters(), STRING_MAP),
                RegistryJson.read(row.tags(), STRING_LIST),
                previous,
                next,
                refsOf(handle, upstreamIds),
                refsOf(handle, downstreamIds),
                row.createdAt(),
                row.createdBy());
    }

    ModelRef refOf(Handle handle, long modelId) {
        return handle.createQuery("SELECT p.name, m.name FROM models m JOIN projects p ON p.project_id = m.project_id WHERE m.model_id = ?")
                .bind(0, modelId)
                .map((rs, ctx) -> new ModelRef(rs.getString(1), rs.getString(2)))
                .one();
    }

    List<ModelRef> refsOf(Handle handle, Collection<Long> modelIds) {
        return modelIds.stream().map(id -> refOf(handle, id)).sorted().toList();
    }

    /** Locks the models' rows, in the order given, until the transaction ends. */
    void lock(Handle handle, List<Long> modelIds) {
        for (long modelId : modelIds) {
            handle.createQuery("SELECT model_id FROM models WHERE model_id = ? FOR UPDATE")
                    .bind(0, modelId).mapTo(Long.class).one();
        }
    }

    static CarraraException projectNotFound(String name) {
        return new CarraraException(NOT_FOUND, "project '" + name + "' does not exist; create it with: carrara project create "
                + name, "project");
    }

    static CarraraException modelNotFound(ModelRef ref, String field) {
        return new CarraraException(NOT_FOUND, "model " + ref + " does not exist; create it with: carrara model create " + ref,
                field);
    }

    private static ModelRow mapModelRow(ResultSet rs) throws SQLException {
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

    private static Project mapProject(ResultSet rs) throws SQLException {
        return new Project(rs.getString("name"), rs.getString("description"),
                fromDb(rs.getObject("created_at", LocalDateTime.class)), rs.getString("created_by"));
    }
}
