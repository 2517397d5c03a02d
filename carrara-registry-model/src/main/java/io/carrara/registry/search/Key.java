package io.carrara.registry.search;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a search predicate or sort key refers to: a column of the instance ({@link InstanceField}),
 * a metadata entry ({@code meta.city}) or the latest value of a metric ({@code metric.validation.mae}).
 */
public sealed interface Key permits InstanceField, Key.Metadata, Key.Metric {
    /** The key as the filter language writes it, e.g. {@code meta.trainingData}. */
    String text();

    /** A metadata entry of the instance; {@code name} keeps its case because metadata keys are case-sensitive. */
    record Metadata(String name) implements Key {
        public Metadata {
            requireNonNull(name, "name is null");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name is empty");
            }
        }

        @Override
        public String text() {
            return "meta." + name;
        }
    }

    /** The latest recorded value of metric {@code name} in {@code scope}. */
    record Metric(String scope, String name) implements Key {
        /** The scopes a metric is recorded in; see the Metric object in docs/api.md. */
        public static final List<String> SCOPES = List.of("training", "validation", "production");

        public Metric {
            requireNonNull(scope, "scope is null");
            requireNonNull(name, "name is null");
            if (!SCOPES.contains(scope)) {
                throw new IllegalArgumentException("scope must be one of " + SCOPES + ": " + scope);
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name is empty");
            }
        }

        @Override
        public String text() {
            return "metric." + scope + "." + name;
        }
    }
}
