package io.carrara.batch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A batch job as the API shows it: what it scores, where it writes, how far it is, and its result
 * or error. Fields that do not apply yet are null.
 */
public record BatchJobInfo(
        UUID id, Status status, String model, UUID instance, String deployment, String query, String output, String errors,
        LocalDate executionDate, List<String> columns, Progress progress, Map<String, Object> result, ErrorInfo error,
        Instant submittedAt, String submittedBy, Instant startedAt, Instant finishedAt, UUID workflowRun, String step) {

    public BatchJobInfo {
        requireNonNull(id, "id is null");
        requireNonNull(status, "status is null");
        columns = List.copyOf(columns);
        requireNonNull(progress, "progress is null");
    }

    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean finished() {
            return this == SUCCEEDED || this == FAILED;
        }

        public static Status fromWireName(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * How far a job is: its phase, and the tasks of the Spark jobs it started so far (the total grows
     * as it moves from scoring to writing).
     */
    public record Progress(String phase, long tasksCompleted, long tasksTotal) {
        public static final Progress QUEUED = new Progress("queued", 0, 0);

        public Progress {
            requireNonNull(phase, "phase is null");
        }
    }

    /** Why a job failed, as an API error: a code, a message saying what to do, and the field at fault. */
    public record ErrorInfo(String code, String message, String field) {
        public ErrorInfo {
            requireNonNull(code, "code is null");
            requireNonNull(message, "message is null");
        }
    }

    BatchJobInfo with(Progress value) {
        return new BatchJobInfo(id, status, model, instance, deployment, query, output, errors, executionDate, columns, value,
                result, error, submittedAt, submittedBy, startedAt, finishedAt, workflowRun, step);
    }
}
