package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A model as the server reports it. Model references ({@code previousModel}, {@code nextModels},
 * {@code dependsOn}, {@code dependents}) are full names, {@code project/model}.
 */
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
        features = Copies.list(features);
        hyperparameters = Copies.map(hyperparameters);
        tags = Copies.list(tags);
        nextModels = Copies.list(nextModels);
        dependsOn = Copies.list(dependsOn);
        dependents = Copies.list(dependents);
    }

    public ModelRef ref() {
        return new ModelRef(project, name);
    }
}
