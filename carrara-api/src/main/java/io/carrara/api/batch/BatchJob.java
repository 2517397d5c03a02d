package io.carrara.api.batch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.carrara.api.WireCopies;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A batch prediction on the server's Spark. {@code status} goes {@code queued}, {@code running},
 * then {@code succeeded} (with a {@code result}) or {@code failed} (with an {@code error});
 * {@code progress} follows it meanwhile. {@code errors} is the table that receives the rows the
 * model rejected or skipped; {@code workflowRun} and {@code step} are set when a workflow ran the job.
 */
public record BatchJob(
        UUID id,
        BatchJobStatus status,
        String model,
        UUID instance,
        String deployment,
        String query,
        String output,
        String errors,
        LocalDate executionDate,
        List<String> columns,
        Progress progress,
        Result result,
        Error error,
        Instant submittedAt,
        String submittedBy,
        Instant startedAt,
        Instant finishedAt,
        UUID workflowRun,
        String step) {

    public BatchJob {
        requireNonNull(id, "id is null");
        requireNonNull(status, "status is null");
        columns = WireCopies.list(columns);
    }

    /** Succeeded or failed: polling it again will not change it. */
    public boolean finished() {
        return status == BatchJobStatus.SUCCEEDED || status == BatchJobStatus.FAILED;
    }

    public boolean failed() {
        return status == BatchJobStatus.FAILED;
    }

    /** How long the job has run: the result's own figure, else from start to finish (or to {@code now} while running). */
    public Optional<Duration> elapsed(Instant now) {
        if (result != null) {
            return Optional.of(Duration.ofMillis(result.elapsedMillis()));
        }
        if (startedAt == null) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(startedAt, finishedAt == null ? now : finishedAt));
    }

    /**
     * Where a job is: {@code phase} is {@code queued}, {@code fetching model}, {@code scoring},
     * {@code writing} or {@code done}; the counts are Spark tasks (0 of 0 until Spark has planned them).
     */
    public record Progress(String phase, long tasksCompleted, long tasksTotal) {}

    /**
     * What a finished job did: where it wrote, for which model and instance, and the row counts (rows
     * scored plus skipped plus failed make the rows read). A count a newer server adds is ignored.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Result(
            String output,
            String errors,
            LocalDate executionDate,
            String model,
            UUID instance,
            long rowsRead,
            long rowsScored,
            long rowsSkipped,
            long rowsFailed,
            long rowsWritten,
            long errorRowsWritten,
            Instant scoredAt,
            long elapsedMillis) {}

    /** Why a job failed, with the request field at fault when there is one (e.g. {@code query}). */
    public record Error(String code, String message, String field) {
        public Error {
            requireNonNull(message, "message is null");
        }
    }
}
