package io.carrara.registry.model;

import java.util.List;
import java.util.Map;

/**
 * A request to create a model in a project. {@code previousModel} and {@code dependsOn} are full
 * names ({@code project/model}). Any field but {@code name} may be null.
 */
public record NewModel(
        String name,
        String description,
        String owner,
        String type,
        List<String> features,
        Map<String, String> hyperparameters,
        List<String> tags,
        String previousModel,
        List<String> dependsOn) {

    public static NewModel named(String name) {
        return new NewModel(name, null, null, null, null, null, null, null, null);
    }
}
