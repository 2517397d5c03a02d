package io.carrara.rules.evaluation;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.RuleProblem;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one action rule for one event: whether {@code given} matched, the value of
 * {@code when} (empty when it was not evaluated), the actions due with their evaluated arguments
 * (empty unless the rule fired), the problems met (an evaluation error, a timeout) and how long it took.
 * A rule with problems does not fire.
 */
public record Evaluation(
        String rule,
        boolean givenMatched,
        Optional<Boolean> condition,
        List<EvaluatedAction> actions,
        List<RuleProblem> problems,
        Duration duration) {
    public Evaluation {
        requireNonNull(rule, "rule is null");
        requireNonNull(condition, "condition is null");
        actions = List.copyOf(requireNonNull(actions, "actions is null"));
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
        requireNonNull(duration, "duration is null");
    }

    /** Whether the actions are due: given matched, when held, and nothing went wrong. */
    public boolean fired() {
        return givenMatched && condition.orElse(false) && problems.isEmpty();
    }

    /** In words, why the rule fired or did not, e.g. {@code when was false}. */
    public String explain() {
        if (!problems.isEmpty()) {
            return "error: " + problems.get(0);
        }
        if (!givenMatched) {
            return "given was false";
        }
        if (!condition.orElse(false)) {
            return "when was false";
        }
        return "fired " + actions.size() + " action" + (actions.size() == 1 ? "" : "s");
    }
}
