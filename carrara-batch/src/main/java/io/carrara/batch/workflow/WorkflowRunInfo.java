package io.carrara.batch.workflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One run of a workflow for an execution date, as the API shows it, with the state of each step.
 *
 * @param instance the instance every predict step scored with instead of its own (a backfill's), or null
 */
public record WorkflowRunInfo(
        UUID id, String workflow, LocalDate executionDate, Trigger trigger, UUID instance, RunStatus status, Window window,
        Instant createdAt, String createdBy, Instant startedAt, Instant finishedAt, String error, List<Step> steps) {

    public WorkflowRunInfo {
        requireNonNull(id, "id is null");
        requireNonNull(workflow, "workflow is null");
        requireNonNull(executionDate, "executionDate is null");
        requireNonNull(trigger, "trigger is null");
        requireNonNull(status, "status is null");
        steps = List.copyOf(steps);
    }

    public enum Trigger {
        MANUAL, BACKFILL, SCHEDULE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Trigger fromWireName(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public enum RunStatus {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static RunStatus fromWireName(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public enum StepStatus {
        PENDING, RUNNING, SUCCEEDED, FAILED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The input window the run's SQL saw. */
    public record Window(LocalDateTime start, LocalDateTime end) {}

    /**
     * A step's state.
     *
     * @param kind {@code sql} or {@code predict}
     * @param batchJob the batch job of the predict step's last attempt, or null
     */
    public record Step(String name, String kind, String output, StepStatus status, int attempts, Instant startedAt,
            Instant finishedAt, Long rowsWritten, UUID batchJob, String error) {
        public Step {
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(output, "output is null");
            requireNonNull(status, "status is null");
        }

        static Step pending(String name, String kind, String output) {
            return new Step(name, kind, output, StepStatus.PENDING, 0, null, null, null, null, null);
        }

        Step started(int attempt, Instant at) {
            return new Step(name, kind, output, StepStatus.RUNNING, attempt, startedAt == null ? at : startedAt, null, null,
                    batchJob, null);
        }

        Step withBatchJob(UUID job) {
            return new Step(name, kind, output, status, attempts, startedAt, finishedAt, rowsWritten, job, error);
        }

        Step succeeded(long rows, Instant at) {
            return new Step(name, kind, output, StepStatus.SUCCEEDED, attempts, startedAt, at, rows, batchJob, null);
        }

        Step failed(String reason, Instant at) {
            return new Step(name, kind, output, StepStatus.FAILED, attempts, startedAt, at, null, batchJob, reason);
        }
    }

    WorkflowRunInfo withStatus(RunStatus value, Instant started, Instant finished, String reason) {
        return new WorkflowRunInfo(id, workflow, executionDate, trigger, instance, value, window, createdAt, createdBy, started,
                finished, reason, steps);
    }

    WorkflowRunInfo withSteps(List<Step> value) {
        return new WorkflowRunInfo(id, workflow, executionDate, trigger, instance, status, window, createdAt, createdBy,
                startedAt, finishedAt, error, value);
    }
}
