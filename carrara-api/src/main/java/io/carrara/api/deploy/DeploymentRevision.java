package io.carrara.api.deploy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.carrara.api.WireCopies;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One entry of a deployment's history: the {@code action}, the configuration after the change (for
 * an undeploy, the one it removed; for a refused change, the one refused, with the {@code reason}),
 * the fields it {@code changed} against the revision before, and who made it when. The routing
 * travels in flat fields, see {@link Routing}.
 */
@JsonAutoDetect(getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE,
        fieldVisibility = JsonAutoDetect.Visibility.NONE)
@JsonPropertyOrder({"name", "revision", "action", "model", "routing", "instance", "partitionBy", "instances", "default",
        "features", "missingFeatures", "logSampleRate", "outputs", "changed", "changedAt", "changedBy", "reason"})
public record DeploymentRevision(
        String name,
        int revision,
        RevisionAction action,
        String model,
        Routing routing,
        List<FeatureLookup> features,
        MissingFeatures missingFeatures,
        double logSampleRate,
        List<String> outputs,
        List<String> changed,
        Instant changedAt,
        String changedBy,
        String reason) {
    public DeploymentRevision {
        requireNonNull(name, "name is null");
        requireNonNull(action, "action is null");
        requireNonNull(routing, "routing is null");
        features = WireCopies.list(features);
        requireNonNull(missingFeatures, "missingFeatures is null");
        outputs = WireCopies.list(outputs);
        changed = WireCopies.list(changed);
    }

    @JsonCreator
    static DeploymentRevision fromWire(
            @JsonProperty("name") String name,
            @JsonProperty("revision") int revision,
            @JsonProperty("action") RevisionAction action,
            @JsonProperty("model") String model,
            @JsonProperty("routing") String routing,
            @JsonProperty("instance") UUID instance,
            @JsonProperty("partitionBy") String partitionBy,
            @JsonProperty("instances") Map<String, UUID> instances,
            @JsonProperty("default") UUID fallback,
            @JsonProperty("features") List<FeatureLookup> features,
            @JsonProperty("missingFeatures") MissingFeatures missingFeatures,
            @JsonProperty("logSampleRate") double logSampleRate,
            @JsonProperty("outputs") List<String> outputs,
            @JsonProperty("changed") List<String> changed,
            @JsonProperty("changedAt") Instant changedAt,
            @JsonProperty("changedBy") String changedBy,
            @JsonProperty("reason") String reason) {
        return new DeploymentRevision(name, revision, action, model,
                Routing.of(routing, instance, partitionBy, instances, fallback), features,
                missingFeatures == null ? MissingFeatures.NULL : missingFeatures, logSampleRate, outputs, changed, changedAt,
                changedBy, reason);
    }

    @JsonProperty("name")
    private String wireName() {
        return name;
    }

    @JsonProperty("revision")
    private int wireRevision() {
        return revision;
    }

    @JsonProperty("action")
    private RevisionAction wireAction() {
        return action;
    }

    @JsonProperty("model")
    private String wireModel() {
        return model;
    }

    @JsonProperty("routing")
    private String wireRouting() {
        return routing.type();
    }

    @JsonProperty("instance")
    private UUID wireInstance() {
        return RoutingFields.instance(routing);
    }

    @JsonProperty("partitionBy")
    private String wirePartitionBy() {
        return RoutingFields.partitionBy(routing);
    }

    @JsonProperty("instances")
    private Map<String, UUID> wireInstances() {
        return RoutingFields.instances(routing);
    }

    @JsonProperty("default")
    private UUID wireFallback() {
        return RoutingFields.fallback(routing);
    }

    @JsonProperty("features")
    private List<FeatureLookup> wireFeatures() {
        return features;
    }

    @JsonProperty("missingFeatures")
    private MissingFeatures wireMissingFeatures() {
        return missingFeatures;
    }

    @JsonProperty("logSampleRate")
    private double wireLogSampleRate() {
        return logSampleRate;
    }

    @JsonProperty("outputs")
    private List<String> wireOutputs() {
        return outputs;
    }

    @JsonProperty("changed")
    private List<String> wireChanged() {
        return changed;
    }

    @JsonProperty("changedAt")
    private Instant wireChangedAt() {
        return changedAt;
    }

    @JsonProperty("changedBy")
    private String wireChangedBy() {
        return changedBy;
    }

    @JsonProperty("reason")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private String wireReason() {
        return reason;
    }
}
