package io.carrara.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.MetricFacts;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One test case of a rule: fixture instances, for an action rule the event and what deployments
 * serve, and what the rule must do. Fixtures are named by {@code label}, the {@code id} the file gives.
 */
public record RuleTest(
        String name,
        SourcePosition position,
        List<InstanceFixture> instances,
        Optional<EventFixture> event,
        Map<String, String> served,
        Expectation expect) {
    public RuleTest {
        requireNonNull(name, "name is null");
        requireNonNull(position, "position is null");
        instances = List.copyOf(requireNonNull(instances, "instances is null"));
        requireNonNull(event, "event is null");
        served = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(served, "served is null")));
        requireNonNull(expect, "expect is null");
    }

    /** A fixture instance; {@code label} is how the test refers to it (its id as the file writes it). */
    public record InstanceFixture(String label, InstanceFacts facts, SourcePosition position) {
        public InstanceFixture {
            requireNonNull(label, "label is null");
            requireNonNull(facts, "facts is null");
            requireNonNull(position, "position is null");
        }
    }

    /**
     * The event of a test: its type, the fixture it is about ({@code instance}, a label), the metric
     * it recorded, the deployment it is about, and payload fields; project and model default to the
     * instance's.
     */
    public record EventFixture(
            String type,
            Optional<String> instance,
            Optional<MetricFacts> metric,
            Optional<String> deployment,
            Map<String, String> payload,
            SourcePosition position) {
        public EventFixture {
            requireNonNull(type, "type is null");
            requireNonNull(instance, "instance is null");
            requireNonNull(metric, "metric is null");
            requireNonNull(deployment, "deployment is null");
            payload = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(payload, "payload is null")));
            requireNonNull(position, "position is null");
        }
    }

    /** What a test expects. */
    public sealed interface Expectation {
        SourcePosition position();
    }

    /** An action rule's expectation: whether it fires and, when given, the kinds of its actions in order. */
    public record Fires(boolean fires, Optional<List<ActionKind>> actions, SourcePosition position) implements Expectation {
        public Fires {
            requireNonNull(actions, "actions is null");
            actions = actions.map(List::copyOf);
            requireNonNull(position, "position is null");
        }
    }

    /** A selection rule's expectation: the fixture it selects, or none. */
    public record Selects(Optional<String> instance, SourcePosition position) implements Expectation {
        public Selects {
            requireNonNull(instance, "instance is null");
            requireNonNull(position, "position is null");
        }
    }
}
