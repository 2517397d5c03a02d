package io.carrara.registry.model;

import static io.carrara.registry.model.FieldChecks.MAX_PROVENANCE_VALUE;

import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request to create a model in a project. {@code previousModel} and {@code dependsOn} are full
 * names ({@code project/model}). Any field but {@code name} may be null; a null list or map is
 * empty. Every field is checked here (names, sizes, references), naming the field; whether the
 * models referred to exist, and that a model does not depend on itself, the registry checks.
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

    public NewModel {
        Names.checkName(name, "name");
        FieldChecks.checkText(description, "description");
        FieldChecks.checkShort(owner, "owner");
        FieldChecks.checkShort(type, "type");
        features = FieldChecks.checkList(features, "features");
        hyperparameters = FieldChecks.checkMap(hyperparameters, "hyperparameters", MAX_PROVENANCE_VALUE);
        tags = FieldChecks.checkList(tags, "tags");
        if (previousModel != null) {
            ModelRef.parse(previousModel, "previousModel");
        }
        List<String> upstream = new ArrayList<>();
        for (String value : dependsOn == null ? List.<String>of() : dependsOn) {
            upstream.add(ModelRef.parse(value, "dependsOn").toString());
        }
        dependsOn = List.copyOf(upstream);
    }

    public static NewModel named(String name) {
        return new NewModel(name, null, null, null, null, null, null, null, null);
    }

    /** {@code previousModel} as a reference, or null. */
    public ModelRef previousModelRef() {
        return previousModel == null ? null : ModelRef.parse(previousModel, "previousModel");
    }

    /** {@code dependsOn} as references, in the order given. */
    public List<ModelRef> dependsOnRefs() {
        return dependsOn.stream().map(value -> ModelRef.parse(value, "dependsOn")).toList();
    }
}
