package io.carrara.rules.parse;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.Rule;
import io.carrara.rules.RuleProblem;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one directory, in file order, and the problems of the files that could not be loaded;
 * a broken file never hides the others.
 */
public record RuleSet(List<Rule> rules, List<RuleProblem> problems) {
    public RuleSet {
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }

    /** The rule named {@code name}, if the set has it. */
    public Optional<Rule> rule(String name) {
        return rules.stream().filter(rule -> rule.name().equals(name)).findFirst();
    }
}
