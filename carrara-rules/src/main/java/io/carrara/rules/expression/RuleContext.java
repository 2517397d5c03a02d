package io.carrara.rules.expression;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.search.Key;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.jexl3.JexlContext;

/**
 * The variables and functions of one rule evaluation, read-only. Variables: {@code instance} (the
 * event's instance, or null), {@code meta} (its metadata), {@code annotation} (its annotations, which may change),
 * {@code metric} (the metric the event
 * recorded, or null), {@code event}. Functions: {@code metric(scope, name)} (the instance's latest
 * value, or null) and {@code served(deployment)} (the instance a deployment serves, or null).
 * Create one with {@link ExpressionSandbox#context}; it carries the evaluation's deadline.
 */
public final class RuleContext implements JexlContext, JexlContext.CancellationHandle {
    /** The names a rule can use as variables. */
    public static final Set<String> VARIABLES = Set.of("instance", "meta", "annotation", "metric", "event");

    private final InstanceView instance;
    private final EventView event;
    private final RuleFactsProvider provider;
    private final AtomicBoolean cancellation = new AtomicBoolean();
    private final long deadline;
    private int functionCalls;

    RuleContext(InstanceFacts instance, EventFacts event, RuleFactsProvider provider, long deadline) {
        this.instance = instance == null ? null : new InstanceView(instance);
        this.event = new EventView(requireNonNull(event, "event is null"));
        this.provider = requireNonNull(provider, "provider is null");
        this.deadline = deadline;
    }

    /** The instance of the event, if it has one. */
    public InstanceFacts instanceFacts() {
        return instance == null ? null : instance.facts();
    }

    @Override
    public Object get(String name) {
        switch (name) {
            case "instance":
                return instance;
            case "meta":
                return instance == null ? null : instance.getMeta();
            case "annotation":
                return instance == null ? null : instance.getAnnotation();
            case "metric":
                return event.getMetric();
            case "event":
                return event;
            default:
                return null;
        }
    }

    @Override
    public void set(String name, Object value) {
        throw new UnsupportedOperationException("rules cannot set variables");
    }

    @Override
    public boolean has(String name) {
        return VARIABLES.contains(name);
    }

    @Override
    public AtomicBoolean getCancellation() {
        return cancellation;
    }

    /** How many times the rule has called {@code metric(...)} or {@code served(...)} (registry state) in this context. */
    public int functionCalls() {
        return functionCalls;
    }

    long deadline() {
        return deadline;
    }

    /** The event's instance's latest value of metric {@code name} in {@code scope}, or null. */
    @RuleVisible
    public Double metric(String scope, String name) {
        functionCalls++;
        checkDeadline();
        return instance == null ? null : metricOf(instance.facts(), scope, name);
    }

    /** The instance deployment {@code deployment} serves now, or null when it serves none. */
    @RuleVisible
    public InstanceView served(String deployment) {
        functionCalls++;
        checkDeadline();
        requireNonNull(deployment, "served(deployment) needs a deployment name, not null");
        return provider.served(deployment).map(InstanceView::new).orElse(null);
    }

    static Double metricOf(InstanceFacts facts, String scope, String name) {
        if (scope == null || !Key.Metric.SCOPES.contains(scope)) {
            throw new IllegalArgumentException("unknown metric scope '" + scope + "': use one of " + Key.Metric.SCOPES);
        }
        requireNonNull(name, "metric name is null");
        return facts.metric(scope, name).orElse(null);
    }

    void checkDeadline() {
        if (cancellation.get() || System.nanoTime() - deadline > 0) {
            cancellation.set(true);
            throw new EvaluationTimeoutException();
        }
    }

    /** Thrown inside an evaluation that ran past its deadline; the sandbox turns it into RULE_EVALUATION_TIMEOUT. */
    static final class EvaluationTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EvaluationTimeoutException() {
            super("the evaluation ran past its time limit", null, false, false);
        }
    }
}
