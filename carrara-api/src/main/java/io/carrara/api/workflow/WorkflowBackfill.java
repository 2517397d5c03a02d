package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/workflow-runs/backfill}: one run of the workflow per date from
 * {@code from} to {@code to} inclusive, optionally all with one {@code instance}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowBackfill(String definition, LocalDate from, LocalDate to, UUID instance) {}
