package io.carrara.rules.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.rules.evaluation.RuleEvaluator;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.rules.parse.RulesRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RuleTestRunnerTest {
    private final RulesRepository repository = RulesRepository.withDefaults();
    private final RuleTestRunner runner = new RuleTestRunner(new RuleEvaluator(new ExpressionSandbox(SandboxLimits.DEFAULTS)));

    @Test
    void theExampleRulesPassTheirTests() {
        RuleTestReport report = runner.run(repository.load(Path.of("src/test/resources/rules/good")));
        assertThat(report.rules()).allSatisfy(rule -> assertThat(rule.tests()).as(rule.rule())
                .allSatisfy(test -> assertThat(test.passed()).as(test.name() + ": " + test.detail()).isTrue()));
        assertThat(report.passed()).isTrue();
        assertThat(report.testCount()).isEqualTo(12);
        assertThat(report.render()).contains("PASS eta-promote-better-instance (5 tests)\n")
                .doesNotContain("FAIL").contains("4 rules, 12 tests: 12 passed, 0 failed").endsWith("PASSED\n");
    }

    @Test
    void failingTestsSayWhatWasExpectedAndWhatHappened() {
        RuleTestReport report = runner.run(repository.load(Path.of("src/test/resources/rules/failing")));
        assertThat(report.passed()).isFalse();
        RuleTestReport.RuleReport wrong = report.rules().stream().filter(r -> r.rule().equals("wrong-expectation"))
                .findFirst().orElseThrow();
        assertThat(wrong.tests()).extracting(RuleTestReport.TestResult::passed).containsExactly(true, false, false);
        assertThat(wrong.tests().get(1).detail()).isEqualTo("expected fires=true, got false; when was false");
        assertThat(wrong.tests().get(1).position().file()).isEqualTo("wrong-expectation.yaml");
        assertThat(wrong.tests().get(2).detail()).isEqualTo("expected actions [webhook], got [alert]");
        RuleTestReport.RuleReport error = report.rules().stream().filter(r -> r.rule().equals("eval-error"))
                .findFirst().orElseThrow();
        assertThat(error.tests()).singleElement().satisfies(test -> {
            assertThat(test.passed()).isFalse();
            assertThat(test.detail()).startsWith("evaluation error: eval-error.yaml:3:").contains("nope");
        });
        assertThat(report.render()).contains("FAIL wrong-expectation (wrong-expectation.yaml)\n"
                        + "    sf is expected to fire but does not\n"
                        + "        wrong-expectation.yaml:")
                .contains(": expected fires=true, got false; when was false\n").doesNotContain("nyc fires")
                .contains("2 rules, 4 tests: 1 passed, 3 failed").endsWith("FAILED\n");
    }

    @Test
    void filesThatDoNotLoadFailTheRun() {
        RuleTestReport report = runner.run(repository.load(Path.of("src/test/resources/rules/mixed")));
        assertThat(report.failedCount()).isZero();
        assertThat(report.loadProblems()).hasSize(2);
        assertThat(report.passed()).isFalse();
        assertThat(report.render()).contains("ERROR broken-loop.yaml:3:").contains("2 files could not be loaded")
                .endsWith("FAILED\n");
    }
}
