package io.carrara.api.workflow;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One run of a workflow for an execution date. {@code trigger} is {@code manual}, {@code backfill}
 * or {@code schedule}; {@code instance}, when set, is the instance every predict step used instead
 * of its own; {@code window} is the input window its SQL saw. {@code status} is {@code queued},
 * {@code running}, {@code succeeded} or {@code failed}, and each of {@code steps} has its own.
 */
public record WorkflowRun(
        UUID id,
        String workflow,
        LocalDate executionDate,
        Trigger trigger,
        UUID instance,
        RunStatus status,
        Window window,
        Instant createdAt,
        String createdBy,
        Instant startedAt,
        Instant finishedAt,
        String error,
        List<Step> steps) {
    public WorkflowRun {
        requireNonNull(id, "id is null");
        requireNonNull(status, "status is null");
        steps = WireCopies.list(steps);
    }

    /** Succeeded or failed: polling it again will not change it (until a retry). */
    public boolean finished() {
        return status == RunStatus.SUCCEEDED || status == RunStatus.FAILED;
    }

    public boolean failed() {
        return status == RunStatus.FAILED;
    }

    /** From start to finish, or to {@code now} while running; empty before it starts. */
    public Optional<Duration> elapsed(Instant now) {
        return startedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt == null ? now : finishedAt));
    }

    /**
     * One step of a run: {@code kind} {@code sql} or {@code predict}, {@code status} {@code pending},
     * {@code running}, {@code succeeded} or {@code failed}, the tries so far, and for a predict step
     * the {@code batchJob} that scored it.
     */
    public record Step(
            String name,
            String kind,
            String output,
            StepStatus status,
            int attempts,
            Instant startedAt,
            Instant finishedAt,
            Long rowsWritten,
            UUID batchJob,
            String error) {
        public Step {
            requireNonNull(name, "name is null");
        }

        public Optional<Duration> elapsed(Instant now) {
            return startedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt == null ? now : finishedAt));
        }
    }

    /** The input window {@code [start, end)} that the run's SQL sees as {@code window_start} and {@code window_end}. */
    public record Window(LocalDateTime start, LocalDateTime end) {}
}
