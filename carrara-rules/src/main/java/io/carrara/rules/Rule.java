package io.carrara.rules;

import java.util.List;

/**
 * A rule loaded from one YAML file: an {@link ActionRule} (given/when/then over registry events) or
 * a {@link SelectionRule} (the instance a deployment serves). Parsed and checked once, by
 * {@link io.carrara.rules.parse.RuleParser}; evaluating it does no parsing.
 */
public sealed interface Rule permits ActionRule, SelectionRule {
    /** A lower-case identifier, unique in its directory, e.g. {@code eta-promote-better-instance}. */
    String name();

    /** What the rule is for, in words; empty when the file gives none. */
    String description();

    /** Where the rule starts: its file. */
    SourcePosition position();

    /** The rule's test cases, run by {@link io.carrara.rules.testing.RuleTestRunner}. */
    List<RuleTest> tests();
}
