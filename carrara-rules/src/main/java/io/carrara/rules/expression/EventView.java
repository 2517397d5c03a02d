package io.carrara.rules.expression;

import io.carrara.rules.facts.EventFacts;

/**
 * An event as a rule reads it: {@code event.type}, {@code .project}, {@code .model}
 * ({@code project/name}), {@code .instance} (the id as text), {@code .deployment}, {@code .metric}
 * and {@code .payload.KEY}; each is null when the event is not about one.
 */
public final class EventView {
    private final EventFacts facts;
    private final MetadataView payload;

    EventView(EventFacts facts) {
        this.facts = facts;
        this.payload = new MetadataView(facts.payload());
    }

    @RuleVisible
    public String getType() {
        return facts.type();
    }

    @RuleVisible
    public String getProject() {
        return facts.project();
    }

    @RuleVisible
    public String getModel() {
        return facts.project() == null || facts.model() == null ? null : facts.project() + "/" + facts.model();
    }

    @RuleVisible
    public String getInstance() {
        return facts.instance() == null ? null : facts.instance().toString();
    }

    @RuleVisible
    public String getDeployment() {
        return facts.deployment();
    }

    @RuleVisible
    public MetricView getMetric() {
        return facts.metric() == null ? null : new MetricView(facts.metric());
    }

    @RuleVisible
    public MetadataView getPayload() {
        return payload;
    }

    @RuleVisible
    public String getCreatedAt() {
        return facts.createdAt().toString();
    }

    @Override
    public String toString() {
        return facts.type();
    }
}
