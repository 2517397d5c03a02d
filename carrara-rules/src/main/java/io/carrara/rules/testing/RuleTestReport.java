package io.carrara.rules.testing;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.RuleProblem;
import io.carrara.rules.SourcePosition;
import java.util.List;

/**
 * The outcome of running the tests of a set of rules: per rule, each test passed or failed with the
 * reason, and the files that could not be loaded. {@link #render()} writes it for a terminal, as
 * {@code carrara rules test DIR} prints it.
 */
public record RuleTestReport(List<RuleReport> rules, List<RuleProblem> loadProblems) {
    public RuleTestReport {
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
        loadProblems = List.copyOf(requireNonNull(loadProblems, "loadProblems is null"));
    }

    /** The tests of one rule. */
    public record RuleReport(String rule, String file, List<TestResult> tests) {
        public RuleReport {
            requireNonNull(rule, "rule is null");
            requireNonNull(file, "file is null");
            tests = List.copyOf(requireNonNull(tests, "tests is null"));
        }

        public boolean passed() {
            return tests.stream().allMatch(TestResult::passed);
        }
    }

    /** One test: whether it passed and, either way, what happened ({@code expected fires=true, got false; when was false}). */
    public record TestResult(String name, boolean passed, String detail, SourcePosition position) {
        public TestResult {
            requireNonNull(name, "name is null");
            requireNonNull(detail, "detail is null");
            requireNonNull(position, "position is null");
        }
    }

    /** Whether every file loaded and every test passed. */
    public boolean passed() {
        return loadProblems.isEmpty() && rules.stream().allMatch(RuleReport::passed);
    }

    public long testCount() {
        return rules.stream().mapToLong(rule -> rule.tests().size()).sum();
    }

    public long failedCount() {
        return rules.stream().flatMap(rule -> rule.tests().stream()).filter(test -> !test.passed()).count();
    }

    /**
     * The report as plain text, as {@code carrara rules test DIR} prints it: a line per rule,
     * {@code PASS name (n tests)} or {@code FAIL name (file)} with each failing test's name, position and
     * reason indented below it, an {@code ERROR} line per file that did not load (with its position),
     * then a summary line and PASSED or FAILED.
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (RuleReport rule : rules) {
            if (rule.passed()) {
                out.append("PASS ").append(rule.rule()).append(" (").append(tests(rule.tests().size())).append(")\n");
                continue;
            }
            out.append("FAIL ").append(rule.rule()).append(" (").append(rule.file()).append(")\n");
            for (TestResult test : rule.tests()) {
                if (!test.passed()) {
                    out.append("    ").append(test.name()).append("\n        ").append(test.position()).append(": ")
                            .append(test.detail()).append('\n');
                }
            }
        }
        for (RuleProblem problem : loadProblems) {
            out.append("ERROR ").append(problem).append('\n');
        }
        long failed = failedCount();
        out.append(rules.size()).append(rules.size() == 1 ? " rule, " : " rules, ")
                .append(testCount()).append(testCount() == 1 ? " test: " : " tests: ")
                .append(testCount() - failed).append(" passed, ").append(failed).append(" failed");
        if (!loadProblems.isEmpty()) {
            out.append("; ").append(loadProblems.size()).append(loadProblems.size() == 1 ? " file" : " files")
                    .append(" could not be loaded");
        }
        out.append('\n').append(passed() ? "PASSED" : "FAILED").append('\n');
        return out.toString();
    }

    private static String tests(int count) {
        return count == 0 ? "no tests" : count == 1 ? "1 test" : count + " tests";
    }
}
