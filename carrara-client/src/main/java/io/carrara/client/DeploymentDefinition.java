package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What to deploy under a name: one way of routing, plus optional feature lookups, what a row whose
 * lookup finds nothing gets ({@code null} or {@code reject}; null leaves the server's default) and
 * the share of predictions to log (null leaves the server's default, 0).
 *
 * <pre>{@code
 * client.deploy(DeploymentDefinition.latest("eta-live", ModelRef.parse("demand/eta", "model"))
 *         .withFeatures(List.of(new FeatureLookup("driver_stats", "driver_id", List.of("rating"))), "reject")
 *         .withLogSampleRate(0.1));
 * }</pre>
 */
public record DeploymentDefinition(
        String name,
        ModelRef model,
        UUID instance,
        boolean latest,
        String partitionBy,
        Map<String, UUID> instances,
        UUID fallback,
        List<FeatureLookup> features,
        String missingFeatures,
        Double logSampleRate) {
    public DeploymentDefinition {
        Names.checkName(name, "name");
        instances = Copies.map(instances);
        features = Copies.list(features);
    }

    /** Every row to one instance; the server takes the model from it. */
    public static DeploymentDefinition pinned(String name, UUID instance) {
        return new DeploymentDefinition(name, null, requireNonNull(instance, "instance is null"), false, null, null, null,
                null, null, null);
    }

    /** Every row to the model's newest non-deprecated instance, resolved when deploying. */
    public static DeploymentDefinition latest(String name, ModelRef model) {
        return new DeploymentDefinition(name, requireNonNull(model, "model is null"), null, true, null, null, null, null,
                null, null);
    }

    /** Rows by their value of {@code field}, through {@code instances}, else to {@code fallback}. */
    public static DeploymentDefinition partitioned(String name, String field, Map<String, UUID> instances, UUID fallback) {
        return new DeploymentDefinition(name, null, null, false, requireNonNull(field, "field is null"), instances, fallback,
                null, null, null);
    }

    public DeploymentDefinition withModel(ModelRef model) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate);
    }

    public DeploymentDefinition withFeatures(List<FeatureLookup> features, String missingFeatures) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate);
    }

    public DeploymentDefinition withLogSampleRate(Double logSampleRate) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate);
    }
}
