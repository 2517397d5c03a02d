package io.carrara.serving.engine;

import io.carrara.registry.deploy.Routing;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Picks the instance that scores a row, compiled once per deployment revision from its
 * {@link Routing}. Champion-by-rule routing (the rules issue) is one more implementation, built in
 * {@link #of} from its own {@code Routing} case; the request path does not change.
 */
public interface Router {
    /** The instance for a row (after the feature join). */
    UUID route(Map<String, Object> row);

    /** Every instance the router can pick, the default first: what a deployment loads eagerly. */
    Set<UUID> instances();

    /** The router of a deployment's routing. */
    static Router of(Routing routing) {
        if (routing instanceof Routing.Pinned pinned) {
            return new Pinned(pinned.instance());
        }
        if (routing instanceof Routing.Partitioned partitioned) {
            return new Partitioned(partitioned);
        }
        throw new IllegalArgumentException("no router for " + routing.getClass().getName());
    }

    /** Every row to one instance. */
    record Pinned(UUID instance) implements Router {
        @Override
        public UUID route(Map<String, Object> row) {
            return instance;
        }

        @Override
        public Set<UUID> instances() {
            return Set.of(instance);
        }
    }

    /**
     * By the text of a field's value ({@code 12} and {@code "12"} alike; a whole double such as
     * {@code 12.0} as {@code "12"}, as a JSON client may send either); anything else, a missing field
     * or null to the fallback.
     */
    final class Partitioned implements Router {
        private final String field;
        private final Map<String, UUID> instances;
        private final UUID fallback;
        private final Set<UUID> all;

        Partitioned(Routing.Partitioned routing) {
            this.field = routing.field();
            this.instances = Map.copyOf(routing.instances());
            this.fallback = routing.fallback();
            Set<UUID> ids = new LinkedHashSet<>();
            ids.add(fallback);
            routing.instances().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> ids.add(entry.getValue()));
            this.all = java.util.Collections.unmodifiableSet(ids);
        }

        @Override
        public UUID route(Map<String, Object> row) {
            Object value = row.get(field);
            if (value == null) {
                return fallback;
            }
            return instances.getOrDefault(text(value), fallback);
        }

        @Override
        public Set<UUID> instances() {
            return all;
        }

        static String text(Object value) {
            if (value instanceof Double || value instanceof Float) {
                double number = ((Number) value).doubleValue();
                if (number == Math.rint(number) && Math.abs(number) < 1e15) {
                    return Long.toString((long) number);
                }
            }
            return value.toString();
        }
    }
}
