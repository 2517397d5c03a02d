package io.carrara.api.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An action of a rule that fired: its {@code kind} ({@code deploy}, {@code undeploy}, {@code deprecate},
 * {@code set-meta}, {@code webhook}, {@code alert}), its evaluated {@code arguments} (a secret by its name, never its
 * value), and its {@code outcome} ({@code done}, {@code failed}, {@code skipped}, or {@code would run} in a dry run)
 * with a {@code detail} (what changed, or why it failed).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleActionInfo(String kind, Map<String, Object> arguments, String outcome, String detail) {
    public RuleActionInfo {
        requireNonNull(kind, "kind is null");
        requireNonNull(outcome, "outcome is null");
        arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }
}
