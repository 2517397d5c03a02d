package io.carrara.rules.facts;

import java.util.Optional;
import java.util.UUID;

/**
 * What the evaluator asks about the world while a rule runs. The server implements it over the
 * registry and its secrets; rule tests implement it over fixtures. Calls must be quick: they count
 * against the rule's time limit.
 */
public interface RuleFactsProvider {
    /** The instance with {@code id}, if there is one. */
    Optional<InstanceFacts> instance(UUID id);

    /** The instance deployment {@code deployment} serves now, if it exists and serves one. */
    Optional<InstanceFacts> served(String deployment);

    /** Whether a secret (server setting or environment variable) named {@code name} exists; its value never reaches a rule. */
    boolean hasSecret(String name);
}
