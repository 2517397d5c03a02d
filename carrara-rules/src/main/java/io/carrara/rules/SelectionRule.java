package io.carrara.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.search.SearchQuery;
import java.util.List;

/**
 * A rule that selects the instance a deployment serves (its champion): the first instance, in
 * {@code order}, that {@code select} matches, both in the registry's search language. {@link #query()}
 * is the parsed search with limit 1, for the registry's {@code SearchCompiler}; rule tests evaluate it
 * over fixtures with {@link io.carrara.rules.selection.InstanceSearch}.
 */
public record SelectionRule(
        String name,
        String description,
        SourcePosition position,
        String select,
        String order,
        SearchQuery query,
        List<RuleTest> tests) implements Rule {
    public SelectionRule {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(position, "position is null");
        requireNonNull(select, "select is null");
        requireNonNull(order, "order is null");
        requireNonNull(query, "query is null");
        tests = List.copyOf(requireNonNull(tests, "tests is null"));
    }
}
