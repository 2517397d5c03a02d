package io.carrara.api.deploy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.carrara.api.WireCopies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/deployments}: a name, exactly one way of routing (its flat wire
 * fields {@code instance}, {@code latest: true}, or {@code partitionBy} + {@code instances} +
 * {@code default}), optional feature lookups, what a row whose lookup finds nothing gets
 * ({@code null} or {@code reject}; absent means {@code null}), the share of predictions to log
 * (absent means 0) and the {@code outputs}: the columns the model adds that each row is answered and
 * logged with (absent means all of them). {@code model} may be left out when an instance is named.
 *
 * <p>The record holds what was sent, a wrong combination included, so that the server answers it
 * with the field at fault; build one through {@link #of}, {@link #pinned}, {@link #latest} or
 * {@link #partitioned}:
 * <pre>{@code
 * client.deployments().deploy(DeploymentDefinition.latest("eta-live", "demand/eta")
 *         .withFeatures(List.of(new FeatureLookup("driver_stats", "driver_id", List.of("rating"))), MissingFeatures.REJECT)
 *         .withLogSampleRate(0.1));
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentDefinition(
        String name,
        String model,
        UUID instance,
        Boolean latest,
        String partitionBy,
        Map<String, UUID> instances,
        @JsonProperty("default") UUID fallback,
        List<FeatureLookup> features,
        String missingFeatures,
        Double logSampleRate,
        List<String> outputs) {
    public DeploymentDefinition {
        instances = WireCopies.mapOrNull(instances);
        features = features == null ? null : List.copyOf(features);
        outputs = outputs == null ? null : Collections.unmodifiableList(new ArrayList<>(outputs)); // nulls kept for the server to name
    }

    /** A definition with one routing and the defaults for everything else. */
    public static DeploymentDefinition of(String name, Routing routing) {
        requireNonNull(routing, "routing is null");
        if (routing instanceof Routing.Pinned pinned) {
            return new DeploymentDefinition(name, null, pinned.instance(), null, null, null, null, null, null, null, null);
        }
        if (routing instanceof Routing.Partitioned partitioned) {
            return new DeploymentDefinition(name, null, null, null, partitioned.field(), partitioned.instances(),
                    partitioned.fallback(), null, null, null, null);
        }
        return new DeploymentDefinition(name, null, null, true, null, null, null, null, null, null, null);
    }

    /** Every row to one instance; the server takes the model from it. */
    public static DeploymentDefinition pinned(String name, UUID instance) {
        return of(name, new Routing.Pinned(instance));
    }

    /** Every row to the model's ({@code project/model}) newest non-deprecated instance, resolved when deploying. */
    public static DeploymentDefinition latest(String name, String model) {
        return of(name, new Routing.Latest()).withModel(requireNonNull(model, "model is null"));
    }

    /** Rows by their value of {@code field}, through {@code instances}, else to {@code fallback}. */
    public static DeploymentDefinition partitioned(String name, String field, Map<String, UUID> instances, UUID fallback) {
        return of(name, new Routing.Partitioned(field, instances, fallback));
    }

    /**
     * The one routing this definition names, or empty when it names none or several (the server
     * refuses those, naming the field).
     */
    public Optional<Routing> routing() {
        boolean pinned = instance != null;
        boolean newest = Boolean.TRUE.equals(latest);
        boolean partitioned = partitionBy != null;
        if ((pinned ? 1 : 0) + (newest ? 1 : 0) + (partitioned ? 1 : 0) != 1) {
            return Optional.empty();
        }
        if (pinned) {
            return Optional.of(new Routing.Pinned(instance));
        }
        if (newest) {
            return Optional.of(new Routing.Latest());
        }
        if (instances == null || fallback == null) {
            return Optional.empty();
        }
        return Optional.of(new Routing.Partitioned(partitionBy, instances, fallback));
    }

    public DeploymentDefinition withModel(String model) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }

    public DeploymentDefinition withFeatures(List<FeatureLookup> features, MissingFeatures missingFeatures) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures == null ? null : missingFeatures.wireName(), logSampleRate, outputs);
    }

    /** As {@link #withFeatures(List, MissingFeatures)} with the wire name as given, which the server checks. */
    public DeploymentDefinition withFeatures(List<FeatureLookup> features, String missingFeatures) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }

    public DeploymentDefinition withLogSampleRate(Double logSampleRate) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }

    /** Answers and logs only these columns of those the model adds (null: all of them); the server checks they exist. */
    public DeploymentDefinition withOutputs(List<String> outputs) {
        return new DeploymentDefinition(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }
}
