/**
 * Rules: small YAML files, kept in a Git repository, that act on registry events (given/when/then)
 * or select the instance a deployment serves. What the server and the CLI call:
 * <pre>{@code
 * ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS);
 * RuleSet rules = new RulesRepository(new RuleParser(sandbox)).load(checkout);  // problems per file, with positions
 * RuleTestReport report = new RuleTestRunner(new RuleEvaluator(sandbox)).run(rules);
 * System.out.print(report.render());                                            // carrara rules test DIR
 *
 * Evaluation evaluation = new RuleEvaluator(sandbox).evaluate(actionRule, EventFacts.from(event), provider);
 * if (evaluation.fired()) { perform(evaluation.actions()); }                    // the server performs them
 * CompiledSearch champion = new SearchCompiler().compile(selectionRule.query(), null, null);
 * }</pre>
 * Nothing here does I/O beyond reading the rules directory: the server implements
 * {@link io.carrara.rules.facts.RuleFactsProvider} over the registry and performs the actions.
 */
package io.carrara.rules;
