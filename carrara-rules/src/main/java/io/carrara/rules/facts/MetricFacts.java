package io.carrara.rules.facts;

import static java.util.Objects.requireNonNull;

/** The metric a {@code metric.recorded} event recorded; {@code value} is null for a JSON metric. */
public record MetricFacts(String scope, String name, Double value) {
    public MetricFacts {
        requireNonNull(scope, "scope is null");
        requireNonNull(name, "name is null");
    }
}
