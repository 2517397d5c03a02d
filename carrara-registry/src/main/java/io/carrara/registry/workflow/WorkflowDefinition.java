package io.carrara.registry.workflow;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A scheduled inference workflow, as written in {@code workflows/*.yaml} and read by
 * {@link WorkflowParser}: SQL steps that materialise tables, then predict steps that score a query
 * into a table, run for an execution date on a cron cadence.
 *
 * <p>Each run reads one window of input: {@code [execution_date − max_sla − 1 day, execution_date −
 * max_sla)}, where {@code max_sla} is the longest freshness SLA of the workflow's inputs, so every
 * input has landed before its window is read. SQL sees it as {@code {{ window_start }}},
 * {@code {{ window_end }}} and {@code {{ execution_date }}}.
 *
 * @param schedule a cron expression (UTC) for the server's scheduler; empty when the workflow only
 *     runs on demand
 */
public record WorkflowDefinition(
        String name,
        Optional<String> schedule,
        List<Input> inputs,
        List<Step> steps,
        Retries retries,
        Optional<URI> alertWebhook) {

    public WorkflowDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(schedule, "schedule is null");
        inputs = List.copyOf(inputs);
        steps = List.copyOf(steps);
        requireNonNull(retries, "retries is null");
        requireNonNull(alertWebhook, "alertWebhook is null");
    }

    /** An upstream table and how late its data may land after the end of the day it covers. */
    public record Input(String table, Duration maxSla) {
        public Input {
            requireNonNull(table, "table is null");
            requireNonNull(maxSla, "maxSla is null");
        }
    }

    /** One step; steps run in order and each re-runs on its own (a failed predict step does not re-run SQL). */
    public sealed interface Step permits SqlStep, PredictStep {
        String name();

        /** The table the step writes. */
        String output();
    }

    /** Runs {@code sql} and materialises its result as {@code output}, replaced on every run. */
    public record SqlStep(String name, String sql, String output) implements Step {
        public SqlStep {
            requireNonNull(name, "name is null");
            requireNonNull(sql, "sql is null");
            requireNonNull(output, "output is null");
        }
    }

    /**
     * Scores {@code query} with a deployment's instance, or a pinned instance, into {@code output}'s
     * partition of the execution date; {@code columns} narrows the columns the pipeline adds.
     */
    public record PredictStep(String name, String query, String output, Optional<String> deployment, Optional<UUID> instance,
            List<String> columns) implements Step {
        public PredictStep {
            requireNonNull(name, "name is null");
            requireNonNull(query, "query is null");
            requireNonNull(output, "output is null");
            requireNonNull(deployment, "deployment is null");
            requireNonNull(instance, "instance is null");
            columns = List.copyOf(columns);
            if (deployment.isPresent() == instance.isPresent()) {
                throw new IllegalArgumentException("a predict step names exactly one of deployment and instance");
            }
        }
    }

    /** A failed step is tried again up to {@code max} more times, waiting {@code backoff}, doubled each time. */
    public record Retries(int max, Duration backoff) {
        public static final Retries DEFAULT = new Retries(2, Duration.ofMinutes(1));

        public Retries {
            requireNonNull(backoff, "backoff is null");
            if (max < 0) {
                throw new IllegalArgumentException("max is negative: " + max);
            }
        }

        /** The wait before retry {@code attempt} (1 for the first retry). */
        public Duration delay(int attempt) {
            return backoff.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
        }
    }

    /** The input window of a run: {@code [start, end)}. */
    public record Window(LocalDateTime start, LocalDateTime end) {}

    /** The longest freshness SLA of the inputs (zero without inputs). */
    public Duration maxSla() {
        return inputs.stream().map(Input::maxSla).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** The window a run for {@code executionDate} reads. */
    public Window window(LocalDate executionDate) {
        LocalDateTime end = executionDate.atStartOfDay().minus(maxSla());
        return new Window(end.minusDays(1), end);
    }

    /** The values of the SQL template variables for {@code executionDate}. */
    public Map<String, String> variables(LocalDate executionDate) {
        Window window = window(executionDate);
        return Map.of(
                "execution_date", executionDate.toString(),
                "window_start", SqlTemplate.text(window.start()),
                "window_end", SqlTemplate.text(window.end()));
    }

    /** {@code sql} with its variables replaced for {@code executionDate}. */
    public String render(String sql, LocalDate executionDate) {
        return SqlTemplate.render(sql, variables(executionDate));
    }
}
