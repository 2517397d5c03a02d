package io.carrara.api.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One evaluation of a rule at the {@code commit} that was active: of a registry event ({@code eventId},
 * {@code eventType}) or on demand ({@code dryRun}); whether its {@code given} {@code matched} and the rule
 * {@code fired}; its {@code actions} with their arguments and outcomes; the {@code error}
 * that stopped it, with its position; and how long it took.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleEvaluationInfo(long id, String rule, String commit, Long eventId, String eventType, UUID instance,
        Instant evaluatedAt, boolean matched, boolean fired, boolean dryRun, List<RuleActionInfo> actions, String error,
        long durationMicros) {
    public RuleEvaluationInfo {
        requireNonNull(rule, "rule is null");
        requireNonNull(commit, "commit is null");
        requireNonNull(evaluatedAt, "evaluatedAt is null");
        actions = actions == null ? List.of() : List.copyOf(actions);
    }
}
