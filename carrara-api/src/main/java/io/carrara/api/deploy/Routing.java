package io.carrara.api.deploy;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.util.Map;
import java.util.UUID;

/**
 * How a deployment picks the instance for a row: {@link Pinned} (one instance), {@link Latest} (the
 * model's newest non-deprecated instance, resolved when deploying; a request only) or
 * {@link Partitioned} (by a row's value of a field, with a fallback). Champion-by-rule routing
 * arrives with the rules issue as another case here.
 *
 * <p>On the wire the routing is not an object of its own: its fields sit in the deployment beside the
 * others ({@code "routing": "pinned", "instance": …} or {@code "partitionBy": …, "instances": …,
 * "default": …}), as the API has always written them. Jackson's {@code @JsonTypeInfo} cannot describe
 * a polymorphic value unwrapped into its parent, so {@link Deployment}, {@link DeploymentRevision}
 * and {@link DeploymentDefinition} read and write these fields themselves, through {@link #type()}
 * and {@link #of}; {@code RoutingJsonTest} holds the JSON to today's.
 */
public sealed interface Routing permits Routing.Pinned, Routing.Latest, Routing.Partitioned {
    /** The value of the wire's {@code routing} field: {@code pinned}, {@code latest} or {@code partitioned}. */
    String type();

    /** Every row goes to one instance. */
    record Pinned(UUID instance) implements Routing {
        public Pinned {
            requireNonNull(instance, "instance is null");
        }

        @Override
        public String type() {
            return "pinned";
        }
    }

    /** Every row goes to the model's newest non-deprecated instance at deploy time; a deployment answers it as pinned. */
    record Latest() implements Routing {
        @Override
        public String type() {
            return "latest";
        }
    }

    /** Rows go to the instance for their value of {@code field}, else to {@code fallback} (the wire's {@code default}). */
    record Partitioned(String field, Map<String, UUID> instances, UUID fallback) implements Routing {
        public Partitioned {
            requireNonNull(field, "field is null");
            instances = WireCopies.map(requireNonNull(instances, "instances is null"));
            requireNonNull(fallback, "fallback is null");
        }

        @Override
        public String type() {
            return "partitioned";
        }
    }

    /**
     * The routing an answer's flat fields describe: {@code type} is the wire's {@code routing}. An
     * answer names a complete routing; anything else is a peer this version cannot read.
     */
    static Routing of(String type, UUID instance, String partitionBy, Map<String, UUID> instances, UUID fallback) {
        requireNonNull(type, "routing is null");
        return switch (type) {
            case "pinned" -> new Pinned(instance);
            case "latest" -> new Latest();
            case "partitioned" -> new Partitioned(partitionBy, instances, fallback);
            default -> throw new IllegalArgumentException("routing '" + type + "' is not pinned, latest or partitioned");
        };
    }
}
