package io.carrara.api.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * A deployment that serves what a selection rule selects: re-selected whenever an instance is created or deprecated or
 * a metric recorded. {@code instance} is what it serves now (null when the rule selects nothing yet).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleFollower(String deployment, String rule, UUID instance, Instant followedAt, String followedBy) {
    public RuleFollower {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(rule, "rule is null");
    }
}
