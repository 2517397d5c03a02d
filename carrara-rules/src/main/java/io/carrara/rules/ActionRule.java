package io.carrara.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.expression.RuleExpression;
import java.util.List;
import java.util.Optional;

/**
 * A rule that acts on registry events: when {@code given} (which events) and {@code when} (a
 * condition, absent meaning always) hold for an event, the actions of {@code then} are due.
 */
public record ActionRule(
        String name,
        String description,
        SourcePosition position,
        RuleExpression given,
        Optional<RuleExpression> when,
        List<Action> actions,
        List<RuleTest> tests) implements Rule {
    public ActionRule {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(position, "position is null");
        requireNonNull(given, "given is null");
        requireNonNull(when, "when is null");
        actions = List.copyOf(requireNonNull(actions, "actions is null"));
        tests = List.copyOf(requireNonNull(tests, "tests is null"));
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("an action rule needs at least one action");
        }
    }
}
