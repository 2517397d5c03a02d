package io.carrara.rules.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.registry.search.InstanceField;
import io.carrara.registry.search.Key;
import io.carrara.registry.search.SortKey;
import io.carrara.rules.ActionArgument;
import io.carrara.rules.ActionKind;
import io.carrara.rules.ActionRule;
import io.carrara.rules.Rule;
import io.carrara.rules.RuleException;
import io.carrara.rules.RuleTest;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.SelectionRule;
import io.carrara.rules.SourcePosition;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.RuleExpression;
import io.carrara.rules.expression.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RuleParserTest {
    private final RuleParser parser = new RuleParser(new ExpressionSandbox(SandboxLimits.DEFAULTS));

    private Rule parse(String text) {
        return parser.parse("r.yaml", text);
    }

    private static String resource(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/rules", name));
    }

    private void assertInvalid(String text, RulesErrorCode code, int line, int column, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOfSatisfying(RuleException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code.toErrorCode());
            assertThat(e.getMessage()).contains(message);
            assertThat(e.position()).isEqualTo(new SourcePosition("r.yaml", line, column));
        });
    }

    @Test
    void parsesTheExampleActionRule() throws IOException {
        Rule rule = parser.parse("good/eta-promote-better-instance.yaml", resource("good/eta-promote-better-instance.yaml"));
        assertThat(rule).isInstanceOf(ActionRule.class);
        ActionRule action = (ActionRule) rule;
        assertThat(action.name()).isEqualTo("eta-promote-better-instance");
        assertThat(action.description()).startsWith("serve a new ETA instance");
        assertThat(action.given().text()).startsWith("event.type == 'metric.recorded'");
        assertThat(action.when()).isPresent();
        assertThat(action.actions()).extracting(a -> a.kind())
                .containsExactly(ActionKind.DEPLOY, ActionKind.WEBHOOK, ActionKind.ALERT);
        assertThat(action.actions().get(0).arguments().get("deployment")).isInstanceOf(ActionArgument.Literal.class);
        assertThat(action.actions().get(0).arguments().get("instance")).isInstanceOfSatisfying(ActionArgument.Expression.class,
                e -> assertThat(e.expression().text()).isEqualTo("instance.id"));
        assertThat(action.actions().get(1).arguments().get("secret"))
                .isEqualTo(new ActionArgument.Secret("ETA_HOOK_SECRET", new SourcePosition(
                        "good/eta-promote-better-instance.yaml", 8, 58)));
        assertThat(action.actions().get(2).arguments().get("message")).isInstanceOfSatisfying(ActionArgument.Template.class,
                t -> assertThat(t.parts()).hasSize(4));
        assertThat(action.tests()).hasSize(5);
        RuleTest first = action.tests().get(0);
        assertThat(first.instances()).extracting(RuleTest.InstanceFixture::label).containsExactly("served", "candidate");
        assertThat(first.served()).containsEntry("eta", "served");
        assertThat(first.expect()).isEqualTo(new RuleTest.Fires(true,
                Optional.of(List.of(ActionKind.DEPLOY, ActionKind.WEBHOOK, ActionKind.ALERT)), first.expect().position()));
    }

    @Test
    void parsesASelectionRuleIntoASearchOfOne() throws IOException {
        SelectionRule rule = (SelectionRule) parser.parse("good/eta-champion.yaml", resource("good/eta-champion.yaml"));
        assertThat(rule.query().filter()).isPresent();
        assertThat(rule.query().orderBy()).containsExactly(
                new SortKey(new Key.Metric("validation", "auc"), SortKey.Direction.DESCENDING),
                new SortKey(InstanceField.CREATED_AT, SortKey.Direction.DESCENDING));
        assertThat(rule.query().limit()).isEqualTo(OptionalInt.of(1));
        assertThat(rule.tests()).hasSize(3);
        assertThat(rule.tests().get(2).expect()).isInstanceOfSatisfying(RuleTest.Selects.class,
                s -> assertThat(s.instance()).isEmpty());
    }

    @Test
    void expressionErrorsPointIntoTheFile() {
        assertInvalid("name: r\ngiven: event.type == 'x'\nwhen: 1 == 1 && bogus > 2\nthen:\n  - undeploy: {deployment: eta}\n",
                RulesErrorCode.RULE_EXPRESSION_REFUSED, 3, 17, "unknown variable 'bogus'");
        // A plain scalar folded over two lines: the second line's text maps to the second line.
        assertInvalid("name: r\ngiven: event.type == 'x'\nwhen: 1 == 1\n  && bogus > 2\nthen:\n  - undeploy: {deployment: eta}\n",
                RulesErrorCode.RULE_EXPRESSION_REFUSED, 4, 6, "unknown variable 'bogus'");
        // A literal block keeps its lines.
        assertInvalid("name: r\ngiven: event.type == 'x'\nwhen: |\n  1 == 1\n  && bogus > 2\nthen:\n  - undeploy: {deployment: eta}\n",
                RulesErrorCode.RULE_EXPRESSION_REFUSED, 5, 6, "unknown variable 'bogus'");
        // Inside a ${…} of an action argument.
        assertInvalid("name: r\ngiven: event.type == 'x'\nthen:\n  - alert: {message: \"at ${bogus}\"}\n",
                RulesErrorCode.RULE_EXPRESSION_REFUSED, 4, 28, "unknown variable 'bogus'");
        assertInvalid("name: r\ngiven: \"for (x : [1]) { x }\"\nthen:\n  - undeploy: {deployment: eta}\n",
                RulesErrorCode.RULE_EXPRESSION_REFUSED, 2, 9, "'for' is not allowed in rules");
    }

    @Test
    void unknownKeysAreRefusedWithTheKeyNamed() {
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - undeploy: {deployment: eta}\nwehn: x\n",
                RulesErrorCode.RULE_INVALID, 5, 1, "unknown key 'wehn' in the rule");
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - undeploy: {deployment: eta, instance: x}\n",
                RulesErrorCode.RULE_INVALID, 4, 33, "unknown argument 'instance' of undeploy");
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - promote: {deployment: eta}\n",
                RulesErrorCode.RULE_INVALID, 4, 5, "unknown action 'promote'");
    }

    @Test
    void requiredFieldsAreChecked() {
        assertInvalid("given: 'true'\nthen:\n  - undeploy: {deployment: eta}\n", RulesErrorCode.RULE_INVALID, 1, 1,
                "the rule needs 'name'");
        assertInvalid("name: r\nthen:\n  - undeploy: {deployment: eta}\n", RulesErrorCode.RULE_INVALID, 1, 1,
                "the rule needs 'given'");
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - deploy: {deployment: eta}\n", RulesErrorCode.RULE_INVALID, 4, 5,
                "deploy needs the argument 'instance'");
        assertInvalid("name: r\ngiven: 'true'\nthen: []\n", RulesErrorCode.RULE_INVALID, 3, 7, "then is a list of actions");
    }

    @Test
    void namesAreSafeIdentifiers() {
        assertInvalid("name: Eta Rule\ngiven: 'true'\nthen:\n  - undeploy: {deployment: eta}\n", RulesErrorCode.RULE_INVALID,
                1, 7, "lower-case letters, digits and '-'");
        assertInvalid("name: " + "a".repeat(101) + "\ngiven: 'true'\nthen:\n  - undeploy: {deployment: eta}\n",
                RulesErrorCode.RULE_INVALID, 1, 7, "at most 100");
        assertThat(parse("name: " + "a".repeat(100) + "\ngiven: 'true'\nthen:\n  - undeploy: {deployment: eta}\n").name())
                .hasSize(100);
    }

    @Test
    void literalArgumentsAreCheckedWhenLoaded() {
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - deploy: {deployment: eta, instance: instance.id}\n",
                RulesErrorCode.RULE_INVALID, 4, 41, "write an expression in ${…}");
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - webhook: {url: ftp://x.example.com}\n",
                RulesErrorCode.RULE_INVALID, 4, 20, "not an http or https URL");
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - alert: {message: hi, severity: urgent}\n",
                RulesErrorCode.RULE_INVALID, 4, 36, "must be one of [info, warning, critical]");
    }

    @Test
    void secretsAreNamedNeverInlined() {
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - webhook: {url: 'https://h.example.com', secret: s3cr3t-value}\n",
                RulesErrorCode.RULE_INVALID, 4, 53, "a secret's value never goes in a rule file");
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - webhook: {url: 'https://h.example.com', secret: \"${env.X}\"}\n",
                RulesErrorCode.RULE_INVALID, 4, 53, "env.NAME");
    }

    @Test
    void argumentsAreLiteralUnlessTheyHoldTemplates() {
        ActionRule rule = (ActionRule) parse("name: r\ngiven: 'true'\nthen:\n"
                + "  - set-meta: {key: reviewed, value: 'yes'}\n"
                + "  - set-meta: {key: score, value: 3}\n"
                + "  - set-meta: {key: champion, value: \"${served('eta').id}\"}\n"
                + "  - alert: {message: \"{not a template} but ${instance.model} is; ${'}'} too\"}\n");
        assertThat(rule.actions().get(0).arguments().get("value")).isInstanceOfSatisfying(ActionArgument.Literal.class,
                l -> assertThat(l.value()).isEqualTo("yes"));
        assertThat(rule.actions().get(1).arguments().get("value")).isInstanceOfSatisfying(ActionArgument.Literal.class,
                l -> assertThat(l.value()).isEqualTo(3L));
        assertThat(rule.actions().get(2).arguments().get("value")).isInstanceOfSatisfying(ActionArgument.Expression.class,
                e -> assertThat(e.expression().text()).isEqualTo("served('eta').id"));
        assertThat(rule.actions().get(3).arguments().get("message")).isInstanceOfSatisfying(ActionArgument.Template.class,
                t -> assertThat(t.parts()).extracting(p -> p instanceof RuleExpression ? "${" + p + "}" : p)
                        .containsExactly("{not a template} but ", "${instance.model}", " is; ", "${'}'}", " too"));
        assertInvalid("name: r\ngiven: 'true'\nthen:\n  - alert: {message: \"x ${instance.id\"}\n",
                RulesErrorCode.RULE_INVALID, 4, 25, "without its closing '}'");
    }

    @Test
    void aSelectionRuleTakesASearchAndNotGivenWhenThen() {
        SelectionRule rule = (SelectionRule) parse("name: s\nselect: model = 'eta'\n");
        assertThat(rule.query().orderBy()).isEmpty();
        assertInvalid("name: s\nselect: model = 'eta' AND metric.validation.auc > 'high'\n", RulesErrorCode.RULE_INVALID,
                2, 51, "select is not a valid search: expected a number for metric.validation.auc");
        assertInvalid("name: s\nselect: model = 'eta'\norder: metric.validation.auc DOWN\n", RulesErrorCode.RULE_INVALID,
                3, 30, "order is not a valid search");
        assertInvalid("name: s\nselect: model = 'eta' ORDER BY version\n", RulesErrorCode.RULE_INVALID, 2, 9,
                "write the order under 'order'");
        assertInvalid("name: s\nselect: model = 'eta'\nthen:\n  - undeploy: {deployment: eta}\n", RulesErrorCode.RULE_INVALID,
                3, 1, "not both");
    }

    @Test
    void yamlErrorsAndDuplicateKeysHavePositions() {
        assertThatThrownBy(() -> parse("name: r\ngiven: [unclosed\n")).isInstanceOfSatisfying(RuleException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_INVALID.toErrorCode());
            assertThat(e.getMessage()).startsWith("not valid YAML");
            assertThat(e.position().line()).isGreaterThan(0);
        });
        assertInvalid("name: r\nname: s\n", RulesErrorCode.RULE_INVALID, 2, 1, "the key 'name' appears twice");
        assertInvalid("- a\n- b\n", RulesErrorCode.RULE_INVALID, 1, 1, "holds a mapping");
        assertInvalid("", RulesErrorCode.RULE_INVALID, 0, 0, "the file is empty");
    }

    @Test
    void testsAreCheckedAgainstTheirFixtures() {
        String rule = "name: r\ngiven: 'true'\nthen:\n  - undeploy: {deployment: eta}\ntests:\n";
        assertInvalid(rule + "  - name: t\n    instances: [{id: a, model: maps/eta}]\n    event: {type: x, instance: b}\n"
                + "    expect: {fires: true}\n", RulesErrorCode.RULE_INVALID, 8, 32, "no instance 'b'");
        assertInvalid(rule + "  - name: t\n    instances: [{id: a, model: eta}]\n    event: {type: x}\n"
                + "    expect: {fires: true}\n", RulesErrorCode.RULE_INVALID, 7, 32, "must be project/name");
        assertInvalid(rule + "  - name: t\n    event: {type: x}\n    expect: {selects: a}\n",
                RulesErrorCode.RULE_INVALID, 8, 14, "unknown key 'selects'");
        assertInvalid(rule + "  - name: t\n    expect: {fires: true}\n", RulesErrorCode.RULE_INVALID, 6, 5, "needs an event");
        assertInvalid(rule + "  - name: t\n    instances: [{id: a, model: maps/eta, metrics: {live: {mae: 1}}}]\n"
                + "    event: {type: x}\n    expect: {fires: true}\n", RulesErrorCode.RULE_INVALID, 7, 52,
                "unknown metric scope 'live'");
    }
}
