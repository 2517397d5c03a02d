package io.carrara.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.rules.ActionRule;
import io.carrara.rules.Facts;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.parse.RuleParser;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GivenMemoTest {
    private final ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS);
    private final RuleParser parser = new RuleParser(sandbox);
    private final RuleEvaluator evaluator = new RuleEvaluator(sandbox);
    private final InstanceFacts eta = Facts.instance(1, "maps/eta", Map.of("trainingRows", "2000000"),
            Map.of("validation", Map.of("mae", 5.0)));
    private final InstanceFacts churn = Facts.instance(2, "crm/churn", Map.of("trainingRows", "10"), Map.of());
    private final Facts.Provider provider = new Facts.Provider(Set.of(), eta, churn).serve("eta", eta);

    private ActionRule rule(String given) {
        return (ActionRule) parser.parse("r.yaml", "name: r\ngiven: " + given + "\nthen:\n  - alert: {message: hi}\n");
    }

    @Test
    void remembersAGivenOfFixedFieldsByTheValuesItRead() {
        ActionRule rule = rule("event.type == 'metric.recorded' && instance.model == 'maps/eta' && metric.scope == 'validation'");
        GivenMemo memo = GivenMemo.of(rule);
        assertThat(memo.remembers()).isTrue();

        EventFacts churnMetric = Facts.metricEvent(churn, "validation", "auc", 0.8);
        assertThat(evaluator.evaluate(rule, churnMetric, provider, memo).givenMatched()).isFalse();
        assertThat(memo.known(churnMetric, churn)).contains(false);
        // Another value of a field the given does not read is the same key; a different model is not.
        assertThat(memo.known(Facts.metricEvent(churn, "validation", "auc", 0.1), churn)).contains(false);
        assertThat(memo.known(Facts.metricEvent(eta, "validation", "mae", 4.0), eta)).isEmpty();

        EventFacts etaMetric = Facts.metricEvent(eta, "validation", "mae", 4.0);
        assertThat(evaluator.evaluate(rule, etaMetric, provider, memo).fired()).isTrue();
        assertThat(memo.known(etaMetric, eta)).contains(true);
        assertThat(evaluator.evaluate(rule, Facts.metricEvent(eta, "training", "mae", 4.0), provider, memo).givenMatched()).isFalse();
    }

    @Test
    void answersAsWithoutTheMemoOnEveryEvent() {
        List<String> givens = List.of(
                "event.type == 'metric.recorded' && instance.model == 'maps/eta'",
                "meta.trainingRows >= 1000000 && event.type == 'instance.created'",
                "metric.scope == 'validation' && metric.value > 4.5",
                "event.type == 'instance.deprecated' || served('eta').metric('validation', 'mae') < 6",
                "instance.deprecated == false",
                "event.model =~ ['maps/eta', 'crm/churn'] && metric.name == 'mae'");
        List<EventFacts> events = List.of(Facts.metricEvent(eta, "validation", "mae", 4.0), Facts.metricEvent(eta, "validation", "mae", 5.0),
                Facts.metricEvent(churn, "validation", "mae", 4.0), Facts.metricEvent(eta, "training", "mae", 4.0),
                Facts.event("instance.created", eta), Facts.event("instance.created", churn), Facts.event("instance.deprecated", eta));
        for (String given : givens) {
            ActionRule rule = rule(given);
            GivenMemo memo = GivenMemo.of(rule);
            for (int round = 0; round < 2; round++) {
                for (EventFacts event : events) {
                    assertThat(evaluator.evaluate(rule, event, provider, memo).givenMatched()).as(given + " on " + event)
                            .isEqualTo(evaluator.evaluate(rule, event, provider).givenMatched());
                }
            }
        }
    }

    @Test
    void neverRemembersWhatCanChange() {
        // Deprecation changes after the instance is made: a given that reads it is never remembered.
        assertThat(GivenMemo.of(rule("instance.deprecated == false")).remembers()).isFalse();
        // So do annotations, however they are read.
        assertThat(GivenMemo.of(rule("annotation.reviewed == 'yes'")).remembers()).isFalse();
        assertThat(GivenMemo.of(rule("event.type == 'instance.created' && instance.annotation.reviewed != 'yes'")).remembers()).isFalse();
        // A function reads registry state: remembered only for the events on which it was not called.
        ActionRule served = rule("event.type == 'metric.recorded' && served('eta') != null");
        GivenMemo memo = GivenMemo.of(served);
        assertThat(memo.remembers()).isTrue();
        EventFacts created = Facts.event("instance.created", eta);
        EventFacts metric = Facts.metricEvent(eta, "validation", "mae", 4.0);
        evaluator.evaluate(served, created, provider, memo);
        evaluator.evaluate(served, metric, provider, memo);
        assertThat(memo.known(created, eta)).contains(false);
        assertThat(memo.known(metric, eta)).isEmpty();
        // An error is reported every time, not remembered as false.
        ActionRule failing = rule("event.type == 'metric.recorded' && 'x' =~ instance.model.substring(99)");
        GivenMemo failingMemo = GivenMemo.of(failing);
        assertThat(evaluator.evaluate(failing, metric, provider, failingMemo).problems()).isNotEmpty();
        assertThat(failingMemo.known(metric, eta)).isEqualTo(Optional.empty());
        assertThat(evaluator.evaluate(failing, metric, provider, failingMemo).problems()).isNotEmpty();
    }
}
