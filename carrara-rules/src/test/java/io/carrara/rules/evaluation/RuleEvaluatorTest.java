package io.carrara.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.rules.ActionKind;
import io.carrara.rules.ActionRule;
import io.carrara.rules.Facts;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.parse.RuleParser;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RuleEvaluatorTest {
    private final ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS);
    private final RuleParser parser = new RuleParser(sandbox);
    private final RuleEvaluator evaluator = new RuleEvaluator(sandbox);
    private final InstanceFacts served = Facts.instance(1, "maps/eta", Map.of("trainingRows", "2000000"),
            Map.of("validation", Map.of("mae", 5.0)));
    private final InstanceFacts candidate = Facts.instance(2, "maps/eta", Map.of("trainingRows", "1500000"),
            Map.of("validation", Map.of("mae", 4.5)));
    private final Facts.Provider provider = new Facts.Provider(Set.of("ETA_HOOK_SECRET"), candidate).serve("eta", served);

    private static final String PROMOTE = "name: promote\n"
            + "given: event.type == 'metric.recorded' && instance.model == 'maps/eta' && metric.scope == 'validation'\n"
            + "when: metric('validation', 'mae') <= served('eta').metric('validation', 'mae') * 0.98\n"
            + "then:\n"
            + "  - deploy: {deployment: eta, instance: \"${instance.id}\"}\n"
            + "  - webhook: {url: 'https://hooks.example.com/ml/${instance.name}', secret: env.ETA_HOOK_SECRET}\n"
            + "  - alert: {message: \"MAE ${metric('validation', 'mae')} beats ${served('eta').metric('validation', 'mae')}\"}\n"
            + "  - set-meta: {key: promotedFrom, value: \"${served('eta')}\"}\n";

    private ActionRule rule(String text) {
        return (ActionRule) parser.parse("r.yaml", text);
    }

    @Test
    void firesWithEvaluatedArguments() {
        Evaluation evaluation = evaluator.evaluate(rule(PROMOTE), Facts.metricEvent(candidate, "validation", "mae", 4.5),
                provider);
        assertThat(evaluation.problems()).isEmpty();
        assertThat(evaluation.givenMatched()).isTrue();
        assertThat(evaluation.condition()).contains(true);
        assertThat(evaluation.fired()).isTrue();
        assertThat(evaluation.actions()).extracting(EvaluatedAction::kind)
                .containsExactly(ActionKind.DEPLOY, ActionKind.WEBHOOK, ActionKind.ALERT, ActionKind.SET_META);
        EvaluatedAction deploy = evaluation.actions().get(0);
        assertThat(deploy.arguments()).containsExactly(Map.entry("deployment", "eta"), Map.entry("instance", candidate.id()));
        assertThat(evaluation.actions().get(1).arguments()).containsExactly(
                Map.entry("url", "https://hooks.example.com/ml/eta"),
                Map.entry("secret", new SecretReference("ETA_HOOK_SECRET")));
        assertThat(evaluation.actions().get(2).arguments()).containsExactly(Map.entry("message", "MAE 4.5 beats 5.0"),
                Map.entry("severity", "warning"));
        assertThat(evaluation.actions().get(3).arguments()).containsExactly(Map.entry("instance", candidate.id()),
                Map.entry("key", "promotedFrom"), Map.entry("value", served.id().toString()));
        assertThat(evaluation.duration()).isPositive();
    }

    @Test
    void readsAnnotationsOfTheInstanceAndOfWhatADeploymentServes() {
        InstanceFacts reviewed = new InstanceFacts(java.util.UUID.randomUUID(), new io.carrara.spi.model.ModelRef("maps", "eta"), 4,
                java.time.Instant.parse("2026-11-01T00:00:00Z"), "alice", "opaque", false, Map.of(), Map.of(),
                Map.of("reviewed", "yes", "score", "7"));
        Facts.Provider withNotes = new Facts.Provider(Set.of(), reviewed, served).serve("eta", reviewed);
        ActionRule annotated = rule("name: r\ngiven: event.type == 'instance.created'\n"
                + "when: annotation.reviewed == 'yes' && instance.annotation.score > 5 && served('eta').annotation.reviewed == 'yes'"
                + " && annotation.absent == null\nthen:\n  - alert: {message: \"${annotation.score}\"}\n");
        Evaluation evaluation = evaluator.evaluate(annotated, Facts.event("instance.created", reviewed), withNotes);
        assertThat(evaluation.problems()).isEmpty();
        assertThat(evaluation.fired()).isTrue();
        assertThat(evaluation.actions().get(0).arguments()).containsEntry("message", "7");
        // Without the annotation the condition does not hold (a missing annotation is null, never an error).
        Evaluation plain = evaluator.evaluate(annotated, Facts.event("instance.created", candidate), provider);
        assertThat(plain.problems()).isEmpty();
        assertThat(plain.fired()).isFalse();
    }

    @Test
    void givenAndWhenDecideWhetherItFires() {
        Evaluation otherScope = evaluator.evaluate(rule(PROMOTE), Facts.metricEvent(candidate, "training", "mae", 4.5), provider);
        assertThat(otherScope.givenMatched()).isFalse();
        assertThat(otherScope.condition()).isEmpty();
        assertThat(otherScope.fired()).isFalse();
        assertThat(otherScope.explain()).isEqualTo("given was false");

        InstanceFacts worse = Facts.instance(3, "maps/eta", Map.of(), Map.of("validation", Map.of("mae", 4.95)));
        Evaluation notBetter = evaluator.evaluate(rule(PROMOTE), Facts.metricEvent(worse, "validation", "mae", 4.95),
                new Facts.Provider(Set.of("ETA_HOOK_SECRET"), worse).serve("eta", served));
        assertThat(notBetter.givenMatched()).isTrue();
        assertThat(notBetter.condition()).contains(false);
        assertThat(notBetter.actions()).isEmpty();
        assertThat(notBetter.explain()).isEqualTo("when was false");
    }

    @Test
    void aMissingSecretIsAProblemNotAnAction() {
        Evaluation evaluation = evaluator.evaluate(rule(PROMOTE), Facts.metricEvent(candidate, "validation", "mae", 4.5),
                new Facts.Provider(Set.of(), candidate).serve("eta", served));
        assertThat(evaluation.fired()).isFalse();
        assertThat(evaluation.actions()).isEmpty();
        assertThat(evaluation.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.code()).isEqualTo(RulesErrorCode.RULE_EVALUATION_FAILED.toErrorCode());
            assertThat(problem.message()).contains("ETA_HOOK_SECRET");
            assertThat(problem.position().line()).isEqualTo(6);
        });
    }

    @Test
    void deprecateDefaultsToTheEventsInstanceAndNeedsOne() {
        ActionRule deprecate = rule("name: d\ngiven: event.type == 'instance.created' || event.type == 'deployment.updated'\n"
                + "then:\n  - deprecate:\n  - alert: {message: 'x', severity: critical}\n");
        Evaluation evaluation = evaluator.evaluate(deprecate, Facts.event("instance.created", candidate), provider);
        assertThat(evaluation.actions().get(0).arguments()).containsExactly(Map.entry("instance", candidate.id()),
                Map.entry("reason", "deprecated by rule d"));
        assertThat(evaluation.actions().get(1).arguments()).containsEntry("severity", "critical");

        Evaluation noInstance = evaluator.evaluate(deprecate, Facts.event("deployment.updated", null), provider);
        assertThat(noInstance.fired()).isFalse();
        assertThat(noInstance.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.message()).contains("has none");
            assertThat(problem.position().line()).isEqualTo(4);
        });
    }

    @Test
    void argumentValuesAreCheckedAfterEvaluation() {
        ActionRule deployNothing = rule("name: d\ngiven: 'true'\nthen:\n  - deploy: {deployment: eta, instance: \"${served('none')}\"}\n");
        Evaluation evaluation = evaluator.evaluate(deployNothing, Facts.event("instance.created", candidate), provider);
        assertThat(evaluation.problems()).singleElement().satisfies(problem ->
                assertThat(problem.message()).contains("deploy.instance is null"));

        ActionRule badSeverity = rule("name: d\ngiven: 'true'\nthen:\n  - alert: {message: x, severity: \"${instance.name}\"}\n");
        assertThat(evaluator.evaluate(badSeverity, Facts.event("instance.created", candidate), provider).problems())
                .singleElement().satisfies(problem -> assertThat(problem.message()).contains("must be one of"));

        ActionRule deployServed = rule("name: d\ngiven: 'true'\nthen:\n  - deploy: {deployment: eta2, instance: \"${served('eta')}\"}\n");
        assertThat(evaluator.evaluate(deployServed, Facts.event("instance.created", candidate), provider).actions().get(0)
                .instance()).isEqualTo(served.id());
    }

    @Test
    void aConditionThatIsNotABooleanIsAnErrorWithItsPosition() {
        ActionRule rule = rule("name: d\ngiven: 'true'\nwhen: instance.model\nthen:\n  - undeploy: {deployment: eta}\n");
        Evaluation evaluation = evaluator.evaluate(rule, Facts.event("instance.created", candidate), provider);
        assertThat(evaluation.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.message()).contains("when must be true or false but is text 'maps/eta'");
            assertThat(problem.position().line()).isEqualTo(3);
            assertThat(problem.position().column()).isEqualTo(7);
        });
    }

    @Test
    void anUnknownInstanceIsAProblem() {
        InstanceFacts ghost = Facts.instance(99, "maps/eta", Map.of(), Map.of());
        Evaluation evaluation = evaluator.evaluate(rule(PROMOTE), Facts.metricEvent(ghost, "validation", "mae", 1), provider);
        assertThat(evaluation.problems()).singleElement().satisfies(problem ->
                assertThat(problem.message()).contains(new UUID(0, 99).toString()));
        assertThat(evaluation.condition()).isEqualTo(Optional.empty());
    }
}
