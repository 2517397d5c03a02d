package io.carrara.rules.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.rules.Facts;
import io.carrara.rules.RuleException;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.SourcePosition;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionSandboxTest {
    private final ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS);
    /** A 100 ms limit, for the tests of the limit. */
    private final ExpressionSandbox quick = new ExpressionSandbox(SandboxLimits.DEFAULTS.withTimeout(Duration.ofMillis(100)));
    private final InstanceFacts served = Facts.instance(1, "maps/eta", Map.of(), Map.of("validation", Map.of("mae", 5.0)));
    private final InstanceFacts candidate = Facts.instance(2, "maps/eta",
            Map.of("trainingRows", "1500000", "city", "nyc", "ratio", "0.5"),
            Map.of("validation", Map.of("mae", 4.5), "training", Map.of("mae", 3.0)));
    private final Facts.Provider provider = new Facts.Provider(Set.of()).serve("eta", served);
    private final EventFacts event = Facts.metricEvent(candidate, "validation", "mae", 4.5);

    private Object eval(String expression) {
        return eval(sandbox, expression);
    }

    private Object eval(ExpressionSandbox box, String expression) {
        RuleExpression compiled = box.compile(expression, offset -> new SourcePosition("rule.yaml", 3, 8 + offset));
        return box.evaluate(compiled, box.context(candidate, event, provider));
    }

    @Test
    void readsTheInstanceItsMetadataMetricsTheEventAndWhatIsServed() {
        assertThat(eval("instance.model")).isEqualTo("maps/eta");
        assertThat(eval("instance.project + '/' + instance.name")).isEqualTo("maps/eta");
        assertThat(eval("instance.id")).isEqualTo(candidate.id().toString());
        assertThat(eval("instance.deprecated")).isEqualTo(false);
        assertThat(eval("meta.trainingRows >= 1000000")).isEqualTo(true);
        assertThat(eval("meta.city == 'nyc'")).isEqualTo(true);
        assertThat(eval("instance.meta.ratio < 1")).isEqualTo(true);
        assertThat(eval("metric('validation', 'mae')")).isEqualTo(4.5);
        assertThat(eval("instance.metric('training', 'mae')")).isEqualTo(3.0);
        assertThat(eval("event.type == 'metric.recorded' && metric.scope == 'validation' && metric.value == 4.5"))
                .isEqualTo(true);
        assertThat(eval("event.model")).isEqualTo("maps/eta");
        assertThat(eval("metric('validation', 'mae') <= served('eta').metric('validation', 'mae') * 0.98")).isEqualTo(true);
        assertThat(eval("served('eta').id")).isEqualTo(served.id().toString());
        assertThat(eval("instance.model =~ ['maps/eta', 'maps/surge']")).isEqualTo(true);
        assertThat(eval("instance.model =^ 'maps/'")).isEqualTo(true);
        assertThat(eval("meta['city']")).isEqualTo("nyc");
        assertThat(eval("size(instance.name)")).isEqualTo(3);
        assertThat(eval("`${instance.name} in ${instance.project}`")).isEqualTo("eta in maps");
    }

    @Test
    void missingValuesAreNullAndConditionsOverThemAreFalse() {
        assertThat(eval("meta.missing")).isNull();
        assertThat(eval("meta.missing > 3")).isEqualTo(false);
        assertThat(eval("meta.missing <= 3")).isEqualTo(false);
        assertThat(eval("metric('validation', 'auc')")).isNull();
        assertThat(eval("metric('validation', 'auc') < 0.5")).isEqualTo(false);
        assertThat(eval("served('nothing')")).isNull();
        assertThat(eval("served('nothing').metric('validation', 'mae') * 0.98")).isNull();
        assertThat(eval("metric('validation', 'mae') <= served('nothing').metric('validation', 'mae') * 0.98"))
                .isEqualTo(false);
        assertThat(eval("meta.missing == null")).isEqualTo(true);
    }

    @Test
    void propertiesOfNullAreNullAndNullIsFalse() {
        assertThat(eval("served('nothing').id")).isNull();
        assertThat(eval("served('nothing').meta.city == 'nyc'")).isEqualTo(false);
        assertThat(eval("!meta.missing")).isEqualTo(true);
        assertThat(eval("meta.missing || 1 == 1")).isEqualTo(true);
        assertThat(eval("meta.missing ? 'yes' : 'no'")).isEqualTo("no");
        assertThat(eval("served('nothing') == null")).isEqualTo(true);
        RuleExpression scope = sandbox.compile("metric.scope", offset -> new SourcePosition("rule.yaml", 1, 1));
        RuleExpression model = sandbox.compile("instance.model", offset -> new SourcePosition("rule.yaml", 1, 1));
        RuleContext deploymentEvent = sandbox.context(null, Facts.event("deployment.updated", null), provider);
        assertThat(sandbox.evaluate(scope, deploymentEvent)).isNull();
        assertThat(sandbox.evaluate(model, deploymentEvent)).isNull();
    }

    @Test
    void textComparedWithANumberIsFalseRatherThanAnError() {
        assertThat(eval("meta.city > 5")).isEqualTo(false);
        assertThat(eval("meta.city < 5")).isEqualTo(false);
    }

    @Test
    void aWrongMetricScopeIsAnError() {
        assertThatThrownBy(() -> eval("metric('valdation', 'mae') < 5"))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EVALUATION_FAILED.toErrorCode());
                    assertThat(e.getMessage()).contains("unknown metric scope 'valdation'");
                });
    }

    @Test
    void anUnknownPropertyIsAnErrorAtItsPosition() {
        assertThatThrownBy(() -> eval("1 == 1 && instance.nope == 2"))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EVALUATION_FAILED.toErrorCode());
                    assertThat(e.getMessage()).contains("nope");
                    assertThat(e.position().line()).isEqualTo(3);
                    assertThat(e.position().column()).isGreaterThan(8);
                });
    }

    @Test
    void anUnknownVariableIsRefusedWhenCompiled() {
        assertThatThrownBy(() -> eval("instance.version > 1 && foo > 1"))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EXPRESSION_REFUSED.toErrorCode());
                    assertThat(e.getMessage()).contains("unknown variable 'foo'");
                    assertThat(e.position()).isEqualTo(new SourcePosition("rule.yaml", 3, 8 + 24));
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "''.class                                              | unknown property 'class'",
        "instance.class                                        | unknown property 'class'",
        "''.getClass()                                         | a rule cannot call getClass(…) on text",
        "instance.getClass()                                   | a rule cannot call getClass(…) on an instance",
        "instance.id.getClass().forName('java.lang.System')    | a rule cannot call getClass(…)",
        "'ab'.repeat(1000000)                                  | a rule cannot call repeat(…) on text",
        "instance.id.length()                                  | a rule cannot call length(…) on text",
        "event.payload.getClass()                              | a rule cannot call getClass(…) on metadata",
        "instance['getClass']()                                | unknown property 'getClass'",
        "set('instance', 1)                                    | unknown function or method 'set'",
        "getCancellation()                                     | unknown function or method 'getCancellation'",
        "Math:abs(-1)                                          | no such function namespace Math",
        "metric('validation', 'mae') / 0                       | division by zero",
    })
    void reflectionAndJdkMethodsAreErrors(String expression, String message) {
        assertThatThrownBy(() -> eval(expression)).isInstanceOfSatisfying(RuleException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EVALUATION_FAILED.toErrorCode());
            assertThat(e.getMessage()).contains(message);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "for (x : [1, 2]) { x }              | 'for' is not allowed in rules",
        "while (true) { 1 }                  | 'while' is not allowed in rules",
        "do { 1 } while (true)               | 'do' is not allowed in rules",
        "new('java.lang.StringBuilder')      | 'new' is not allowed in rules",
        "new java.lang.StringBuilder()       | 'new' is not allowed in rules",
        "x = 1                               | assignment is not allowed in rules",
        "instance.id = 'x'                   | assignment is not allowed in rules",
        "meta.city += 'x'                    | assignment is not allowed in rules",
        "#pragma jexl.import java.lang       | pragmas are not allowed in rules",
        "@synchronized(instance) { 1 }       | annotations are not allowed in rules",
        "var x = 1; x                        | 'var' is not allowed in rules",
        "function(x) { x }                   | functions, lambdas and local variables are not allowed",
        "(x) -> x + 1                        | functions, lambdas and local variables are not allowed",
        "1; 2                                | a rule is one expression",
        "java.lang.System.exit(0)            | unknown variable 'java'",
        "System.getenv()                     | unknown variable 'System'",
    })
    void loopsNewAssignmentPragmasAnnotationsScriptsAndClassesAreRefusedWhenParsed(String expression, String message) {
        assertThatThrownBy(() -> sandbox.compile(expression, offset -> new SourcePosition("rule.yaml", 4, 7 + offset)))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EXPRESSION_REFUSED.toErrorCode());
                    assertThat(e.getMessage()).contains(message);
                    assertThat(e.position().file()).isEqualTo("rule.yaml");
                    assertThat(e.position().line()).isEqualTo(4);
                });
    }

    @Test
    void anExpressionOverTheLengthLimitIsRefused() {
        String longText = "1 + ".repeat(600) + "1";
        assertThatThrownBy(() -> eval(longText)).isInstanceOfSatisfying(RuleException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EXPRESSION_REFUSED.toErrorCode());
            assertThat(e.getMessage()).contains("the limit is 2000");
        });
    }

    @Test
    void stringsOverTheSizeLimitAreRefused() {
        ExpressionSandbox small = new ExpressionSandbox(new SandboxLimits(2_000, 20, 200, Duration.ofMillis(100)));
        assertThat(eval(small, "'0123456789' + '0123456789'")).isEqualTo("01234567890123456789");
        assertThatThrownBy(() -> eval(small, "'0123456789' + '0123456789' + 'x'"))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EVALUATION_FAILED.toErrorCode());
                    assertThat(e.getMessage()).contains("longer than 20 characters");
                });
        assertThatThrownBy(() -> eval("'x' * 1000000")).isInstanceOf(RuleException.class);
    }

    @Test
    void shiftsOfBigNumbersAreRefused() {
        assertThatThrownBy(() -> eval("1000000000000000000000000H << 2000000000")).isInstanceOf(RuleException.class);
    }

    @Test
    void regularExpressionsMatchWithinBounds() {
        assertThat(eval("instance.model =~ 'maps/e.a'")).isEqualTo(true);
        assertThat(eval("instance.model !~ 'maps/e.a'")).isEqualTo(false);
        assertThatThrownBy(() -> eval("instance.model =~ '" + "a".repeat(201) + "'"))
                .isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.getMessage()).contains("longer than 200"));
    }

    @Test
    void catastrophicBacktrackingIsCancelledAtTheTimeLimit() {
        String text = "a".repeat(30) + "!";
        long start = System.nanoTime();
        assertThatThrownBy(() -> eval(quick, "'" + text + "' =~ '(.*a){25}'"))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EVALUATION_TIMEOUT.toErrorCode());
                    assertThat(e.getMessage()).contains("longer than 100 ms");
                    assertThat(e.position()).isEqualTo(new SourcePosition("rule.yaml", 3, 8));
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aSlowProviderCountsAgainstTheTimeLimit() {
        Facts.Provider slow = new Facts.Provider(Set.of()) {
            @Override
            public java.util.Optional<InstanceFacts> served(String deployment) {
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return java.util.Optional.of(served);
            }
        };
        RuleExpression expression = quick.compile("served('eta').id == served('eta').id",
                offset -> new SourcePosition("rule.yaml", 1, 1 + offset));
        assertThatThrownBy(() -> quick.evaluate(expression, quick.context(candidate, event, slow)))
                .isInstanceOfSatisfying(RuleException.class, e ->
                        assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULE_EVALUATION_TIMEOUT.toErrorCode()));
    }
}
