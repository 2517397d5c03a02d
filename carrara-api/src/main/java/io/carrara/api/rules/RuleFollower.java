package io.carrara.api.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * A deployment, or one partition of it, that serves what a selection rule selects: re-selected whenever an instance is
 * created or deprecated or a metric recorded. {@code partitionBy} is null when the rule chooses for the whole deployment;
 * with it, {@code partition} is the value of that field the rule chooses for (a per-city champion), or null for every
 * other value (the deployment's default). {@code instance} is what it serves now (null when the rule selects nothing yet).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleFollower(String deployment, String rule, UUID instance, Instant followedAt, String followedBy,
        String partitionBy, String partition) {
    public RuleFollower {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(rule, "rule is null");
        if (partition != null && partitionBy == null) {
            throw new IllegalArgumentException("a partition needs partitionBy");
        }
    }

    /** A rule chosen for the whole deployment. */
    public RuleFollower(String deployment, String rule, UUID instance, Instant followedAt, String followedBy) {
        this(deployment, rule, instance, followedAt, followedBy, null, null);
    }

    /** The same follower serving {@code instance}. */
    public RuleFollower withInstance(UUID instance) {
        return new RuleFollower(deployment, rule, instance, followedAt, followedBy, partitionBy, partition);
    }
}
