package io.carrara.client;

import io.carrara.api.registry.NewModel;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.model.ModelRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything but the name that a new model may declare; every field is optional.
 *
 * <pre>{@code
 * client.createModel(ModelRef.parse("demand/eta", "model"), ModelDefinition.builder()
 *         .type("regressor").feature("distance_km").hyperparameter("maxDepth", "5")
 *         .dependsOn(ModelRef.parse("demand/demand_conversion", "dependsOn"))
 *         .build());
 * }</pre>
 */
public record ModelDefinition(
        String description,
        String owner,
        String type,
        List<String> features,
        Map<String, String> hyperparameters,
        List<String> tags,
        ModelRef previousModel,
        List<ModelRef> dependsOn) {
    public ModelDefinition {
        features = Copies.list(features);
        hyperparameters = Copies.map(hyperparameters);
        tags = Copies.list(tags);
        dependsOn = Copies.list(dependsOn);
    }

    /** The body of {@code POST …/models} for a model named {@code name}; empty lists and maps are left out. */
    public NewModel toRequest(String name) {
        return new NewModel(name, description, owner, type, features.isEmpty() ? null : features,
                hyperparameters.isEmpty() ? null : hyperparameters, tags.isEmpty() ? null : tags,
                previousModel == null ? null : previousModel.toString(),
                dependsOn.isEmpty() ? null : dependsOn.stream().map(ModelRef::toString).toList());
    }

    public static ModelDefinition empty() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the optional fields of a {@link ModelDefinition}. */
    public static final class Builder {
        private String description;
        private String owner;
        private String type;
        private final List<String> features = new ArrayList<>();
        private final Map<String, String> hyperparameters = new LinkedHashMap<>();
        private final List<String> tags = new ArrayList<>();
        private ModelRef previousModel;
        private final List<ModelRef> dependsOn = new ArrayList<>();

        private Builder() {}

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder owner(String owner) {
            this.owner = owner;
            return this;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder feature(String feature) {
            features.add(requireNonNull(feature, "feature is null"));
            return this;
        }

        public Builder features(List<String> features) {
            features.forEach(this::feature);
            return this;
        }

        public Builder hyperparameter(String name, String value) {
            hyperparameters.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
            return this;
        }

        public Builder hyperparameters(Map<String, String> hyperparameters) {
            hyperparameters.forEach(this::hyperparameter);
            return this;
        }

        public Builder tag(String tag) {
            tags.add(requireNonNull(tag, "tag is null"));
            return this;
        }

        public Builder tags(List<String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        public Builder previousModel(ModelRef previousModel) {
            this.previousModel = previousModel;
            return this;
        }

        public Builder dependsOn(ModelRef upstream) {
            dependsOn.add(requireNonNull(upstream, "upstream is null"));
            return this;
        }

        public Builder dependsOn(List<ModelRef> upstreams) {
            upstreams.forEach(this::dependsOn);
            return this;
        }

        public ModelDefinition build() {
            return new ModelDefinition(description, owner, type, features, hyperparameters, tags, previousModel, dependsOn);
        }
    }
}
