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
 * A deployment as the API answers it: a named endpoint serving instances of one {@code model}
 * ({@code project/model}), its {@link Routing} ({@code pinned} or {@code partitioned}, in flat wire
 * fields, see {@link Routing}), feature lookups, missing-feature policy, log sample rate, the
 * {@code outputs} it answers and logs (empty: every column the model adds) and revision. {@code outcome} is set only in the answer to a deploy.
 */
@JsonAutoDetect(getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE,
        fieldVisibility = JsonAutoDetect.Visibility.NONE)
@JsonPropertyOrder({"name", "model", "routing", "instance", "partitionBy", "instances", "default", "features",
        "missingFeatures", "logSampleRate", "outputs", "revision", "updatedAt", "updatedBy", "outcome"})
public record Deployment(
        String name,
        String model,
        Routing routing,
        List<FeatureLookup> features,
        MissingFeatures missingFeatures,
        double logSampleRate,
        List<String> outputs,
        int revision,
        Instant updatedAt,
        String updatedBy,
        DeployOutcome outcome) {
    public Deployment {
        requireNonNull(name, "name is null");
        requireNonNull(model, "model is null");
        requireNonNull(routing, "routing is null");
        features = WireCopies.list(features);
        requireNonNull(missingFeatures, "missingFeatures is null");
        outputs = WireCopies.list(outputs);
    }

    @JsonCreator
    static Deployment fromWire(
            @JsonProperty("name") String name,
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
            @JsonProperty("revision") int revision,
            @JsonProperty("updatedAt") Instant updatedAt,
            @JsonProperty("updatedBy") String updatedBy,
            @JsonProperty("outcome") DeployOutcome outcome) {
        return new Deployment(name, model, Routing.of(routing, instance, partitionBy, instances, fallback), features,
                missingFeatures == null ? MissingFeatures.NULL : missingFeatures, logSampleRate, outputs, revision, updatedAt,
                updatedBy, outcome);
    }

    /** This deployment as the answer to a deploy that had {@code outcome}. */
    public Deployment withOutcome(DeployOutcome outcome) {
        return new Deployment(name, model, routing, features, missingFeatures, logSampleRate, outputs, revision, updatedAt,
                updatedBy, outcome);
    }

    @JsonProperty("name")
    private String wireName() {
        return name;
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

    @JsonProperty("revision")
    private int wireRevision() {
        return revision;
    }

    @JsonProperty("updatedAt")
    private Instant wireUpdatedAt() {
        return updatedAt;
    }

    @JsonProperty("updatedBy")
    private String wireUpdatedBy() {
        return updatedBy;
    }

    @JsonProperty("outcome")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private DeployOutcome wireOutcome() {
        return outcome;
    }
}
