package io.carrara.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One entry of a deployment's history: {@code action} ({@code created}, {@code updated},
 * {@code undeployed} or {@code refused}), the configuration after the change (for an undeploy, the one
 * it removed; for a refused change, the one the server refused, with the {@code reason}), and the
 * fields it {@code changed} against the revision before.
 */
public record DeploymentRevision(
        String name,
        int revision,
        String action,
        String model,
        String routing,
        UUID instance,
        String partitionBy,
        Map<String, UUID> instances,
        @JsonProperty("default") UUID fallback,
        List<FeatureLookup> features,
        String missingFeatures,
        double logSampleRate,
        List<String> changed,
        Instant changedAt,
        String changedBy,
        String reason) {
    public DeploymentRevision {
        requireNonNull(name, "name is null");
        requireNonNull(action, "action is null");
        instances = Copies.map(instances);
        features = Copies.list(features);
        changed = Copies.list(changed);
    }
}
