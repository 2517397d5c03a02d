package io.carrara.rules.expression;

import io.carrara.rules.facts.MetricFacts;

/** The metric an event recorded, as {@code metric.scope}, {@code metric.name} and {@code metric.value}. */
public final class MetricView {
    private final MetricFacts facts;

    MetricView(MetricFacts facts) {
        this.facts = facts;
    }

    @RuleVisible
    public String getScope() {
        return facts.scope();
    }

    @RuleVisible
    public String getName() {
        return facts.name();
    }

    /** The value, or null for a JSON metric. */
    @RuleVisible
    public Double getValue() {
        return facts.value();
    }

    @Override
    public String toString() {
        return facts.scope() + "." + facts.name() + "=" + facts.value();
    }
}
