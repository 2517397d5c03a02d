package io.carrara.rules.testing;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.ActionKind;
import io.carrara.rules.ActionRule;
import io.carrara.rules.Rule;
import io.carrara.rules.RuleTest;
import io.carrara.rules.SelectionRule;
import io.carrara.rules.evaluation.EvaluatedAction;
import io.carrara.rules.evaluation.Evaluation;
import io.carrara.rules.evaluation.RuleEvaluator;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import io.carrara.rules.parse.RuleSet;
import io.carrara.rules.selection.InstanceSearch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Runs the tests written in rule files, without a server: each test's fixtures stand in for the
 * registry, its {@code served} map for the deployments, and every secret is taken to exist. For a
 * metric event about a fixture, the fixture gets the event's metric as its latest value first, as
 * the registry would hold it when the event is consumed.
 * <pre>{@code
 * RuleSet rules = RulesRepository.withDefaults().load(dir);
 * RuleTestReport report = new RuleTestRunner(new RuleEvaluator(new ExpressionSandbox(SandboxLimits.DEFAULTS))).run(rules);
 * System.out.print(report.render());
 * System.exit(report.passed() ? 0 : 1);
 * }</pre>
 */
public final class RuleTestRunner {
    private static final Instant EVENT_TIME = Instant.parse("2026-06-01T00:00:00Z");

    private final RuleEvaluator evaluator;

    public RuleTestRunner(RuleEvaluator evaluator) {
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
    }

    /** Runs the tests of every rule of {@code rules}; the set's load problems are carried into the report. */
    public RuleTestReport run(RuleSet rules) {
        requireNonNull(rules, "rules is null");
        List<RuleTestReport.RuleReport> reports = new ArrayList<>();
        for (Rule rule : rules.rules()) {
            reports.add(run(rule));
        }
        return new RuleTestReport(reports, rules.problems());
    }

    /** Runs the tests of one rule. */
    public RuleTestReport.RuleReport run(Rule rule) {
        requireNonNull(rule, "rule is null");
        List<RuleTestReport.TestResult> results = new ArrayList<>();
        for (RuleTest test : rule.tests()) {
            results.add(run(rule, test));
        }
        return new RuleTestReport.RuleReport(rule.name(), rule.position().file(), results);
    }

    private RuleTestReport.TestResult run(Rule rule, RuleTest test) {
        Map<String, InstanceFacts> fixtures = new LinkedHashMap<>();
        test.instances().forEach(fixture -> fixtures.put(fixture.label(), fixture.facts()));
        if (rule instanceof SelectionRule) {
            return runSelection((SelectionRule) rule, test, fixtures);
        }
        return runAction((ActionRule) rule, test, fixtures);
    }

    private RuleTestReport.TestResult runSelection(SelectionRule rule, RuleTest test, Map<String, InstanceFacts> fixtures) {
        RuleTest.Selects expected = (RuleTest.Selects) test.expect();
        Optional<String> selected = InstanceSearch.select(rule, fixtures.values()).map(facts -> labelOf(fixtures, facts.id()));
        String got = selected.orElse("nothing");
        if (selected.equals(expected.instance())) {
            return new RuleTestReport.TestResult(test.name(), true, "selects " + got, test.position());
        }
        return new RuleTestReport.TestResult(test.name(), false, "expected selects " + expected.instance().orElse("nothing")
                + ", got " + got, expected.position());
    }

    private RuleTestReport.TestResult runAction(ActionRule rule, RuleTest test, Map<String, InstanceFacts> fixtures) {
        RuleTest.EventFixture eventFixture = test.event().orElseThrow();
        UUID instanceId = null;
        String project = eventFixture.payload().get("project");
        String model = eventFixture.payload().get("model");
        if (eventFixture.instance().isPresent()) {
            String label = eventFixture.instance().get();
            InstanceFacts instance = fixtures.get(label);
            if (eventFixture.metric().isPresent() && eventFixture.metric().get().value() != null) {
                instance = instance.withMetric(eventFixture.metric().get().scope(), eventFixture.metric().get().name(),
                        eventFixture.metric().get().value());
                fixtures.put(label, instance);
            }
            instanceId = instance.id();
            project = project == null ? instance.model().project() : project;
            model = model == null ? instance.model().name() : model;
        }
        EventFacts event = new EventFacts(eventFixture.type(), project, model, instanceId,
                eventFixture.deployment().orElse(null), eventFixture.metric().orElse(null), eventFixture.payload(), EVENT_TIME);
        Evaluation evaluation = evaluator.evaluate(rule, event, new FixtureProvider(fixtures, test.served()));
        RuleTest.Fires expected = (RuleTest.Fires) test.expect();
        if (!evaluation.problems().isEmpty()) {
            return new RuleTestReport.TestResult(test.name(), false, "evaluation error: " + evaluation.problems().get(0),
                    evaluation.problems().get(0).position());
        }
        if (evaluation.fired() != expected.fires()) {
            return new RuleTestReport.TestResult(test.name(), false, "expected fires=" + expected.fires() + ", got "
                    + evaluation.fired() + "; " + evaluation.explain(), expected.position());
        }
        List<ActionKind> kinds = evaluation.actions().stream().map(EvaluatedAction::kind).collect(Collectors.toList());
        if (expected.actions().isPresent() && !expected.actions().get().equals(kinds)) {
            return new RuleTestReport.TestResult(test.name(), false, "expected actions " + expected.actions().get()
                    + ", got " + kinds, expected.position());
        }
        return new RuleTestReport.TestResult(test.name(), true, evaluation.explain(), test.position());
    }

    private static String labelOf(Map<String, InstanceFacts> fixtures, UUID id) {
        return fixtures.entrySet().stream().filter(entry -> entry.getValue().id().equals(id)).map(Map.Entry::getKey)
                .findFirst().orElse(id.toString());
    }

    /** The registry and deployments of one test. */
    private static final class FixtureProvider implements RuleFactsProvider {
        private final Map<String, InstanceFacts> fixtures;
        private final Map<String, String> served;

        FixtureProvider(Map<String, InstanceFacts> fixtures, Map<String, String> served) {
            this.fixtures = fixtures;
            this.served = served;
        }

        @Override
        public Optional<InstanceFacts> instance(UUID id) {
            return fixtures.values().stream().filter(facts -> facts.id().equals(id)).findFirst();
        }

        @Override
        public Optional<InstanceFacts> served(String deployment) {
            return Optional.ofNullable(served.get(deployment)).map(fixtures::get);
        }

        @Override
        public boolean hasSecret(String name) {
            return true;
        }
    }
}
