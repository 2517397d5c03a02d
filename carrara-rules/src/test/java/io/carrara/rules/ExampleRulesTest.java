package io.carrara.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.rules.evaluation.RuleEvaluator;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.rules.parse.RuleSet;
import io.carrara.rules.parse.RulesRepository;
import io.carrara.rules.testing.RuleTestReport;
import io.carrara.rules.testing.RuleTestRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rules in examples/rules, which the README's walk-through syncs: every one loads and passes its tests. */
class ExampleRulesTest {
    @Test
    void everyExampleRuleLoadsAndPassesItsTests() {
        ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS);
        RuleSet rules = RulesRepository.withDefaults().load(Path.of("../examples/rules"));
        assertThat(rules.problems()).isEmpty();
        assertThat(rules.rules()).extracting(Rule::name)
                .containsExactlyInAnyOrder("eta-promote", "surge-champion", "deprecate-drifted", "notify-deprecated");
        RuleTestReport report = new RuleTestRunner(new RuleEvaluator(sandbox)).run(rules);
        assertThat(report.passed()).as(report.render()).isTrue();
        assertThat(report.testCount()).isEqualTo(12);
    }
}
