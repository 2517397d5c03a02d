package io.carrara.api.workflow;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A workflow registered with the server: its YAML {@code definition}, and the cron {@code schedule}
 * (UTC) the server's scheduler runs it on, with its {@code nextRunAt}; both are null for a workflow
 * that runs only on demand.
 */
public record Workflow(
        String name,
        String schedule,
        String definition,
        Instant registeredAt,
        String registeredBy,
        Instant nextRunAt) {
    public Workflow {
        requireNonNull(name, "name is null");
    }
}
