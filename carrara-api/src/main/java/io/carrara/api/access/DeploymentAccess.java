package io.carrara.api.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * {@code GET|PUT /api/v1/deployments/{name}/access}: whether the deployment's predictions (REST and the Open
 * Inference Protocol's infer, metadata and readiness calls) need no token. {@code changedAt} and {@code changedBy}
 * are absent until it is first set; in a PUT body only {@code anonymousPredictions} counts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentAccess(String deployment, Boolean anonymousPredictions, Instant changedAt, String changedBy) {}
