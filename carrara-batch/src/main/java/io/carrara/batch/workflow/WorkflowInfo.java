package io.carrara.batch.workflow;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A workflow registered with the server's scheduler.
 *
 * @param schedule the cron expression (UTC), or null for a workflow that only runs on demand
 * @param nextRunAt when the scheduler runs it next, or null
 */
public record WorkflowInfo(String name, String schedule, String definition, Instant registeredAt, String registeredBy,
        Instant nextRunAt) {
    public WorkflowInfo {
        requireNonNull(name, "name is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(registeredAt, "registeredAt is null");
        requireNonNull(registeredBy, "registeredBy is null");
    }

    WorkflowInfo withNextRunAt(Instant value) {
        return new WorkflowInfo(name, schedule, definition, registeredAt, registeredBy, value);
    }
}
