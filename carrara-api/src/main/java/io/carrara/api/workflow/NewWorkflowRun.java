package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/workflow-runs}: a workflow's YAML text and the execution date to run
 * it for; {@code instance}, when present, scores every predict step with that instance.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewWorkflowRun(String definition, LocalDate executionDate, UUID instance) {}
