package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.carrara.api.WireCopies;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A model as the server answers it. Model references ({@code fullName}, {@code previousModel},
 * {@code nextModels}, {@code dependsOn}, {@code dependents}) are full names, {@code project/model}.
 */
@JsonPropertyOrder({"fullName", "description", "owner", "type", "features", "hyperparameters", "tags", "previousModel",
        "nextModels", "dependsOn", "dependents", "createdAt", "createdBy", "project", "name"})
public record Model(
        String project,
        String name,
        String fullName,
        String description,
        String owner,
        String type,
        List<String> features,
        Map<String, String> hyperparameters,
        List<String> tags,
        String previousModel,
        List<String> nextModels,
        List<String> dependsOn,
        List<String> dependents,
        Instant createdAt,
        String createdBy) {
    public Model {
        requireNonNull(project, "project is null");
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
        fullName = fullName == null ? project + "/" + name : fullName;
        features = WireCopies.list(features);
        hyperparameters = WireCopies.map(hyperparameters);
        tags = WireCopies.list(tags);
        nextModels = WireCopies.list(nextModels);
        dependsOn = WireCopies.list(dependsOn);
        dependents = WireCopies.list(dependents);
    }
}
