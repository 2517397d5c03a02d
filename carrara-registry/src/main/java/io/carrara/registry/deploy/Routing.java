package io.carrara.registry.deploy;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.UUID;

/**
 * How a deployment picks the instance for a row. A request may still pin any instance of the
 * deployment's model. Champion-by-rule routing arrives with the rules issue as another case here.
 */
public sealed interface Routing permits Routing.Pinned, Routing.Partitioned {
    /** Every row goes to one instance. */
    record Pinned(UUID instance) implements Routing {
        public Pinned {
            requireNonNull(instance, "instance is null");
        }
    }

    /**
     * Rows go to the instance for their value of {@code field} (compared as text, e.g. a city), and to
     * {@code fallback} for any other value, a missing field or null.
     */
    record Partitioned(String field, Map<String, UUID> instances, UUID fallback) implements Routing {
        public Partitioned {
            requireNonNull(field, "field is null");
            instances = Map.copyOf(requireNonNull(instances, "instances is null"));
            requireNonNull(fallback, "fallback is null");
        }
    }
}
