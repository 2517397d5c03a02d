package io.carrara.rules;

import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.MetricFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Instances, events and a provider for tests, built in a line each. */
public final class Facts {
    private Facts() {}

    public static InstanceFacts instance(int id, String model, Map<String, String> meta, Map<String, Map<String, Double>> metrics) {
        return new InstanceFacts(new UUID(0, id), ModelRef.parse(model, "model"), 1,
                Instant.parse("2026-11-01T00:00:00Z").plusSeconds(id), "alice", "opaque", false, meta, metrics);
    }

    public static EventFacts metricEvent(InstanceFacts instance, String scope, String name, double value) {
        return new EventFacts("metric.recorded", instance.model().project(), instance.model().name(), instance.id(), null,
                new MetricFacts(scope, name, value), Map.of(), Instant.parse("2026-11-05T00:00:00Z"));
    }

    public static EventFacts event(String type, InstanceFacts instance) {
        return new EventFacts(type, instance == null ? null : instance.model().project(),
                instance == null ? null : instance.model().name(), instance == null ? null : instance.id(), null, null,
                Map.of(), Instant.parse("2026-11-05T00:00:00Z"));
    }

    /** A provider over a few instances, deployments and secret names. */
    public static class Provider implements RuleFactsProvider {
        private final Map<UUID, InstanceFacts> instances = new HashMap<>();
        private final Map<String, InstanceFacts> served = new HashMap<>();
        private final Set<String> secrets;

        public Provider(Set<String> secrets, InstanceFacts... instances) {
            this.secrets = secrets;
            for (InstanceFacts instance : instances) {
                this.instances.put(instance.id(), instance);
            }
        }

        public Provider serve(String deployment, InstanceFacts instance) {
            served.put(deployment, instance);
            instances.put(instance.id(), instance);
            return this;
        }

        @Override
        public Optional<InstanceFacts> instance(UUID id) {
            return Optional.ofNullable(instances.get(id));
        }

        @Override
        public Optional<InstanceFacts> served(String deployment) {
            return Optional.ofNullable(served.get(deployment));
        }

        @Override
        public boolean hasSecret(String name) {
            return secrets.contains(name);
        }
    }
}
