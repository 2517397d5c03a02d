package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A model: the stable name under which instances are trained over time, with what it is, what it
 * was before ({@code previousModel}) and which models it depends on.
 */
public record Model(
        @JsonProperty("fullName") ModelRef ref,
        String description,
        String owner,
        String type,
        List<String> features,
        Map<String, String> hyperparameters,
        List<String> tags,
        ModelRef previousModel,
        List<ModelRef> nextModels,
        List<ModelRef> dependsOn,
        List<ModelRef> dependents,
        Instant createdAt,
        String createdBy) {
    public Model {
        requireNonNull(ref, "ref is null");
        features = List.copyOf(features);
        hyperparameters = SortedMaps.copyOf(hyperparameters);
        tags = List.copyOf(tags);
        nextModels = List.copyOf(nextModels);
        dependsOn = List.copyOf(dependsOn);
        dependents = List.copyOf(dependents);
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
    }

    @JsonProperty("project")
    public String project() {
        return ref.project();
    }

    @JsonProperty("name")
    public String name() {
        return ref.name();
    }
}
