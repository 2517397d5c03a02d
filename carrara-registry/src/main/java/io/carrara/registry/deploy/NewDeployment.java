package io.carrara.registry.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A request to create or replace a deployment, as {@code POST /api/v1/deployments} takes it. Give
 * exactly one way of routing: {@code instance} (one pinned instance), {@code latest: true} (the model's
 * newest non-deprecated instance, resolved now), or {@code partitionBy} with {@code instances}
 * ({@code {"nyc": uuid}}) and a {@code default} instance for every other value. {@code model} may be
 * left out when an instance is named; it is then the instance's model. The request replaces the whole
 * configuration: a field left out takes its default ({@code missingFeatures} {@code "null"},
 * {@code logSampleRate} 0), not its previous value.
 */
public record NewDeployment(
        String name,
        String model,
        UUID instance,
        Boolean latest,
        String partitionBy,
        Map<String, UUID> instances,
        @JsonProperty("default") UUID fallback,
        List<FeatureLookup> features,
        String missingFeatures,
        Double logSampleRate) {

    /** Pins every row to one instance. */
    public static NewDeployment pinned(String name, UUID instance) {
        return new NewDeployment(name, null, instance, null, null, null, null, null, null, null);
    }

    /** Pins every row to the newest non-deprecated instance of {@code model} at deploy time. */
    public static NewDeployment latest(String name, String model) {
        return new NewDeployment(name, model, null, true, null, null, null, null, null, null);
    }

    /** Routes rows by their value of {@code field}, to {@code fallback} for any other value. */
    public static NewDeployment partitioned(String name, String field, Map<String, UUID> instances, UUID fallback) {
        return new NewDeployment(name, null, null, null, field, instances, fallback, null, null, null);
    }

    public NewDeployment withModel(String model) {
        return new NewDeployment(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate);
    }

    public NewDeployment withFeatures(List<FeatureLookup> features, String missingFeatures) {
        return new NewDeployment(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate);
    }

    public NewDeployment withLogSampleRate(Double logSampleRate) {
        return new NewDeployment(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate);
    }
}
