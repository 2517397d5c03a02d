package io.carrara.rules.expression;

import io.carrara.rules.facts.InstanceFacts;

/**
 * An instance as a rule reads it: {@code instance.id}, {@code .model} ({@code project/name}),
 * {@code .project}, {@code .name} (the model's name), {@code .version}, {@code .createdAt} (ISO-8601
 * text, UTC), {@code .createdBy}, {@code .format}, {@code .deprecated}, {@code .meta.KEY}, {@code .annotation.KEY}
 * (its mutable notes) and {@code .metric('validation', 'mae')} (null when the instance has no such metric).
 */
public final class InstanceView {
    private final InstanceFacts facts;
    private final MetadataView meta;
    private final MetadataView annotation;

    InstanceView(InstanceFacts facts) {
        this.facts = facts;
        this.meta = new MetadataView(facts.metadata());
        this.annotation = new MetadataView(facts.annotations());
    }

    InstanceFacts facts() {
        return facts;
    }

    @RuleVisible
    public String getId() {
        return facts.id().toString();
    }

    @RuleVisible
    public String getModel() {
        return facts.model().toString();
    }

    @RuleVisible
    public String getProject() {
        return facts.model().project();
    }

    @RuleVisible
    public String getName() {
        return facts.model().name();
    }

    @RuleVisible
    public Integer getVersion() {
        return facts.version();
    }

    @RuleVisible
    public String getCreatedAt() {
        return facts.createdAt().toString();
    }

    @RuleVisible
    public String getCreatedBy() {
        return facts.createdBy();
    }

    @RuleVisible
    public String getFormat() {
        return facts.format();
    }

    @RuleVisible
    public Boolean getDeprecated() {
        return facts.deprecated();
    }

    @RuleVisible
    public MetadataView getMeta() {
        return meta;
    }

    @RuleVisible
    public MetadataView getAnnotation() {
        return annotation;
    }

    /** The latest value of metric {@code name} in {@code scope}, or null when there is none. */
    @RuleVisible
    public Double metric(String scope, String name) {
        return RuleContext.metricOf(facts, scope, name);
    }

    /** The id, so that {@code ${instance}} in an action argument writes the id. */
    @Override
    public String toString() {
        return getId();
    }
}
