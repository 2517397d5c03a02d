package io.carrara.batch.workflow;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.registry.db.DatabaseTimes.toDbOrNull;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.carrara.batch.workflow.WorkflowRunInfo.RunStatus;
import io.carrara.batch.workflow.WorkflowRunInfo.Step;
import io.carrara.batch.workflow.WorkflowRunInfo.Trigger;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.workflow.WorkflowDefinition;
import io.carrara.registry.workflow.WorkflowParser;
import io.carrara.spi.error.CarraraException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code workflows} and {@code workflow_runs} tables of the registry database. */
public final class WorkflowStore {
    private static final String RUN_COLUMNS = """
            run_id, workflow, execution_date, trigger_kind, instance_id, definition, status, steps, error, created_at,
            created_by, started_at, finished_at""";

    private final RegistryDatabase database;
    private final String runner;

    /**
     * A store for one server process, {@code runner} ({@link io.carrara.batch.BatchRunner#id()}): the
     * runs it inserts are its own to run and, when it stops, to fail.
     */
    public WorkflowStore(RegistryDatabase database, String runner) {
        this.database = requireNonNull(database, "database is null");
        this.runner = requireNonNull(runner, "runner is null");
    }

    /** Stores the workflow, replacing one of the same name; true when it was new. */
    boolean put(WorkflowInfo workflow) {
        return database.inTransaction(handle -> {
            int updated = handle.createUpdate("UPDATE workflows SET schedule = ?, definition = ?, registered_at = ?,"
                            + " registered_by = ? WHERE name = ?")
                    .bind(0, workflow.schedule()).bind(1, workflow.definition()).bind(2, toDb(workflow.registeredAt()))
                    .bind(3, workflow.registeredBy()).bind(4, workflow.name())
                    .execute();
            if (updated > 0) {
                return false;
            }
            handle.createUpdate("INSERT INTO workflows (name, schedule, definition, registered_at, registered_by)"
                            + " VALUES (?, ?, ?, ?, ?)")
                    .bind(0, workflow.name()).bind(1, workflow.schedule()).bind(2, workflow.definition())
                    .bind(3, toDb(workflow.registeredAt())).bind(4, workflow.registeredBy())
                    .execute();
            return true;
        });
    }

    Optional<WorkflowInfo> find(String name) {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT name, schedule, definition, registered_at, registered_by FROM workflows WHERE name = ?")
                .bind(0, name).map((rs, ctx) -> workflow(rs)).findOne());
    }

    WorkflowInfo get(String name) {
        return find(name).orElseThrow(() -> new CarraraException(NOT_FOUND, "no workflow named " + name
                + " is registered; register it with carrara workflow register FILE", "name"));
    }

    List<WorkflowInfo> list() {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT name, schedule, definition, registered_at, registered_by FROM workflows ORDER BY name")
                .map((rs, ctx) -> workflow(rs)).list());
    }

    boolean delete(String name) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("DELETE FROM workflows WHERE name = ?")
                .bind(0, name).execute()) > 0;
    }

    void insertRun(WorkflowRunInfo run, String definition) {
        database.jdbi().useHandle(handle -> handle.createUpdate("INSERT INTO workflow_runs (" + RUN_COLUMNS + ", runner)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, run.id().toString())
                .bind(1, run.workflow())
                .bind(2, run.executionDate())
                .bind(3, run.trigger().wireName())
                .bind(4, run.instance() == null ? null : run.instance().toString())
                .bind(5, definition)
                .bind(6, run.status().wireName())
                .bind(7, RegistryJson.write(run.steps()))
                .bind(8, run.error())
                .bind(9, toDb(run.createdAt()))
                .bind(10, run.createdBy())
                .bind(11, toDbOrNull(run.startedAt()))
                .bind(12, toDbOrNull(run.finishedAt()))
                .bind(13, runner)
                .execute());
    }

    /** Writes the run's status, times, error and steps. */
    void updateRun(WorkflowRunInfo run) {
        database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE workflow_runs SET status = ?, steps = ?, error = ?,"
                        + " started_at = ?, finished_at = ?, runner = ? WHERE run_id = ?")
                .bind(0, run.status().wireName())
                .bind(1, RegistryJson.write(run.steps()))
                .bind(2, run.error())
                .bind(3, toDbOrNull(run.startedAt()))
                .bind(4, toDbOrNull(run.finishedAt()))
                .bind(5, runner)
                .bind(6, run.id().toString())
                .execute());
    }

    /** Queues a failed run again, taking it for this runner; false when it is no longer failed (a retry raced it). */
    boolean requeue(UUID id) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("UPDATE workflow_runs SET status = ?, error = NULL,"
                        + " finished_at = NULL, runner = ? WHERE run_id = ? AND status = ?")
                .bind(0, RunStatus.QUEUED.wireName()).bind(1, runner).bind(2, id.toString()).bind(3, RunStatus.FAILED.wireName())
                .execute()) == 1;
    }

    WorkflowRunInfo getRun(UUID id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT " + RUN_COLUMNS + " FROM workflow_runs WHERE run_id = ?")
                        .bind(0, id.toString()).map((rs, ctx) -> run(rs)).findOne())
                .orElseThrow(() -> new CarraraException(NOT_FOUND, "no workflow run " + id
                        + "; list a workflow's runs with carrara workflow runs NAME", "id"));
    }

    /** The definition a run ran (or will run). */
    WorkflowDefinition definitionOf(UUID id) {
        return WorkflowParser.parse(database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT definition FROM workflow_runs WHERE run_id = ?")
                .bind(0, id.toString()).mapTo(String.class).one()));
    }

    /** A workflow's runs, newest execution date first (then newest created). */
    List<WorkflowRunInfo> runs(String workflow, int limit, int offset) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT " + RUN_COLUMNS + " FROM workflow_runs"
                        + " WHERE workflow = ? ORDER BY execution_date DESC, created_at DESC, run_id LIMIT ? OFFSET ?")
                .bind(0, workflow).bind(1, limit).bind(2, offset)
                .map((rs, ctx) -> run(rs)).list());
    }

    /** Marks failed the runs this server process left queued or running as it stops; returns how many. */
    int failUnfinished(String message, Instant at) {
        return database.jdbi().withHandle(handle -> handle.createUpdate(
                        "UPDATE workflow_runs SET status = ?, error = ?, finished_at = ? WHERE status IN (?, ?) AND runner = ?")
                .bind(0, RunStatus.FAILED.wireName()).bind(1, message).bind(2, toDb(at))
                .bind(3, RunStatus.QUEUED.wireName()).bind(4, RunStatus.RUNNING.wireName()).bind(5, runner)
                .execute());
    }

    private static WorkflowInfo workflow(ResultSet rs) throws SQLException {
        return new WorkflowInfo(rs.getString("name"), rs.getString("schedule"), rs.getString("definition"),
                fromDb(rs, "registered_at"), rs.getString("registered_by"), null);
    }

    private static WorkflowRunInfo run(ResultSet rs) throws SQLException {
        LocalDate executionDate = rs.getObject("execution_date", LocalDate.class);
        String instance = rs.getString("instance_id");
        WorkflowDefinition.Window window = WorkflowParser.parse(rs.getString("definition")).window(executionDate);
        return new WorkflowRunInfo(
                UUID.fromString(rs.getString("run_id")),
                rs.getString("workflow"),
                executionDate,
                Trigger.fromWireName(rs.getString("trigger_kind")),
                instance == null ? null : UUID.fromString(instance),
                RunStatus.fromWireName(rs.getString("status")),
                new WorkflowRunInfo.Window(window.start(), window.end()),
                fromDb(rs, "created_at"),
                rs.getString("created_by"),
                fromDb(rs, "started_at"),
                fromDb(rs, "finished_at"),
                rs.getString("error"),
                RegistryJson.read(rs.getString("steps"), new TypeReference<List<Step>>() {}));
    }
}
