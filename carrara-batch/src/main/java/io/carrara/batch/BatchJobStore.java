package io.carrara.batch;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.carrara.batch.BatchJobInfo.ErrorInfo;
import io.carrara.batch.BatchJobInfo.Progress;
import io.carrara.batch.BatchJobInfo.Status;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.spi.error.CarraraException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code batch_jobs} table of the registry database: every batch job, its state and its result. */
public final class BatchJobStore {
    private static final String COLUMNS = """
            job_id, status, model_name, instance_id, deployment, query_text, output_table, execution_date, output_columns,
            result, error, submitted_at, submitted_by, started_at, finished_at, workflow_run, step_name""";

    private final RegistryDatabase database;
    private final String runner;

    /**
     * A store for one server process, {@code runner} ({@link BatchRunner#id()}): the jobs it inserts
     * are its own to run and, when it stops, to fail.
     */
    public BatchJobStore(RegistryDatabase database, String runner) {
        this.database = requireNonNull(database, "database is null");
        this.runner = requireNonNull(runner, "runner is null");
    }

    void insert(BatchJobInfo job) {
        database.jdbi().useHandle(handle -> handle.createUpdate("INSERT INTO batch_jobs (" + COLUMNS + ", runner)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, NULL, NULL, ?, ?, ?)")
                .bind(0, job.id().toString())
                .bind(1, job.status().wireName())
                .bind(2, job.model())
                .bind(3, job.instance().toString())
                .bind(4, job.deployment())
                .bind(5, job.query())
                .bind(6, job.output())
                .bind(7, job.executionDate())
                .bind(8, RegistryJson.write(job.columns()))
                .bind(9, toDb(job.submittedAt()))
                .bind(10, job.submittedBy())
                .bind(11, job.workflowRun() == null ? null : job.workflowRun().toString())
                .bind(12, job.step())
                .bind(13, runner)
                .execute());
    }

    void markRunning(UUID id, Instant at) {
        database.jdbi().useHandle(handle -> handle.createUpdate(
                        "UPDATE batch_jobs SET status = ?, started_at = ? WHERE job_id = ?")
                .bind(0, Status.RUNNING.wireName()).bind(1, toDb(at)).bind(2, id.toString()).execute());
    }

    void markFinished(UUID id, Status status, Map<String, Object> result, ErrorInfo error, Instant at) {
        database.jdbi().useHandle(handle -> handle.createUpdate(
                        "UPDATE batch_jobs SET status = ?, result = ?, error = ?, finished_at = ? WHERE job_id = ?")
                .bind(0, status.wireName())
                .bind(1, result == null ? null : RegistryJson.write(result))
                .bind(2, error == null ? null : RegistryJson.write(error))
                .bind(3, toDb(at))
                .bind(4, id.toString())
                .execute());
    }

    /** Marks failed the jobs this server process left queued or running as it stops; returns how many. */
    int failUnfinished(String message, Instant at) {
        String error = RegistryJson.write(new ErrorInfo("UNAVAILABLE", message, null));
        return database.jdbi().withHandle(handle -> handle.createUpdate(
                        "UPDATE batch_jobs SET status = ?, error = ?, finished_at = ? WHERE status IN (?, ?) AND runner = ?")
                .bind(0, Status.FAILED.wireName()).bind(1, error).bind(2, toDb(at))
                .bind(3, Status.QUEUED.wireName()).bind(4, Status.RUNNING.wireName()).bind(5, runner)
                .execute());
    }

    public BatchJobInfo get(UUID id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM batch_jobs WHERE job_id = ?")
                        .bind(0, id.toString()).map((rs, ctx) -> read(rs)).findOne())
                .orElseThrow(() -> new CarraraException(NOT_FOUND, "no batch job " + id + "; list them with GET /api/v1/batch/jobs",
                        "id"));
    }

    /** Jobs, newest first. */
    public List<BatchJobInfo> list(int limit, int offset) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM batch_jobs ORDER BY submitted_at DESC, job_id LIMIT ? OFFSET ?")
                .bind(0, limit).bind(1, offset).map((rs, ctx) -> read(rs)).list());
    }

    private static BatchJobInfo read(ResultSet rs) throws SQLException {
        Status status = Status.fromWireName(rs.getString("status"));
        String output = rs.getString("output_table");
        String result = rs.getString("result");
        String error = rs.getString("error");
        String workflowRun = rs.getString("workflow_run");
        Progress progress = switch (status) {
            case QUEUED -> Progress.QUEUED;
            case RUNNING -> new Progress("running", 0, 0);
            case SUCCEEDED -> new Progress("done", 0, 0);
            case FAILED -> new Progress("failed", 0, 0);
        };
        return new BatchJobInfo(
                UUID.fromString(rs.getString("job_id")),
                status,
                rs.getString("model_name"),
                UUID.fromString(rs.getString("instance_id")),
                rs.getString("deployment"),
                rs.getString("query_text"),
                output,
                output + "_errors",
                rs.getObject("execution_date", LocalDate.class),
                RegistryJson.read(rs.getString("output_columns"), new TypeReference<List<String>>() {}),
                progress,
                result == null ? null : RegistryJson.read(result, new TypeReference<Map<String, Object>>() {}),
                error == null ? null : RegistryJson.read(error, new TypeReference<ErrorInfo>() {}),
                fromDb(rs, "submitted_at"),
                rs.getString("submitted_by"),
                fromDb(rs, "started_at"),
                fromDb(rs, "finished_at"),
                workflowRun == null ? null : UUID.fromString(workflowRun),
                rs.getString("step_name"));
    }
}
