package io.carrara.rules.evaluation;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.Action;
import io.carrara.rules.ActionArgument;
import io.carrara.rules.ActionKind;
import io.carrara.rules.ActionRule;
import io.carrara.rules.RuleException;
import io.carrara.rules.RuleProblem;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.SourcePosition;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.InstanceView;
import io.carrara.rules.expression.RuleContext;
import io.carrara.rules.expression.RuleExpression;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import io.carrara.rules.parse.RuleParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Evaluates action rules against events, without I/O of its own: what it needs to know comes from
 * a {@link RuleFactsProvider}, and what is due comes back as an {@link Evaluation} for the caller to
 * perform. An error in one rule is reported in its evaluation and never thrown, so a caller that
 * evaluates many rules keeps going. Thread-safe.
 * <pre>{@code
 * RuleEvaluator evaluator = new RuleEvaluator(new ExpressionSandbox(SandboxLimits.DEFAULTS));
 * for (Rule rule : ruleSet.rules()) {
 *     if (rule instanceof ActionRule action) {
 *         Evaluation evaluation = evaluator.evaluate(action, EventFacts.from(event), provider);
 *         if (evaluation.fired()) { perform(evaluation.actions()); }
 *     }
 * }
 * }</pre>
 */
public final class RuleEvaluator {
    private static final Pattern DEPLOYMENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final ExpressionSandbox sandbox;

    public RuleEvaluator(ExpressionSandbox sandbox) {
        this.sandbox = requireNonNull(sandbox, "sandbox is null");
    }

    /** Evaluates {@code rule} for {@code event}: given, then when, then the actions' arguments. */
    public Evaluation evaluate(ActionRule rule, EventFacts event, RuleFactsProvider provider) {
        return evaluate(rule, event, provider, null);
    }

    /**
     * As {@link #evaluate(ActionRule, EventFacts, RuleFactsProvider)}, asking {@code memo} (the rule's own, or null)
     * first whether given is known to be false for this event, and telling it what given answered when it may
     * remember that.
     */
    public Evaluation evaluate(ActionRule rule, EventFacts event, RuleFactsProvider provider, GivenMemo memo) {
        requireNonNull(rule, "rule is null");
        requireNonNull(event, "event is null");
        requireNonNull(provider, "provider is null");
        long start = System.nanoTime();
        boolean givenMatched = false;
        Optional<Boolean> condition = Optional.empty();
        List<EvaluatedAction> actions = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        try {
            InstanceFacts instance = null;
            if (event.instance() != null) {
                instance = provider.instance(event.instance()).orElseThrow(() -> new RuleException(
                        RulesErrorCode.RULE_EVALUATION_FAILED, rule.given().position(),
                        "the event's instance " + event.instance() + " does not exist"));
            }
            if (memo != null && memo.known(event, instance).equals(Optional.of(false))) {
                return new Evaluation(rule.name(), false, condition, actions, problems, Duration.ofNanos(System.nanoTime() - start));
            }
            RuleContext context = sandbox.context(instance, event, provider);
            givenMatched = condition(rule.given(), context, "given");
            if (memo != null && context.functionCalls() == 0) {
                memo.remember(event, instance, givenMatched);
            }
            if (givenMatched) {
                condition = Optional.of(rule.when().isEmpty() || condition(rule.when().get(), context, "when"));
                if (condition.get()) {
                    for (Action action : rule.actions()) {
                        actions.add(evaluate(rule, action, context, event, provider));
                    }
                }
            }
        } catch (RuleException e) {
            problems.add(e.toProblem());
            actions.clear();
        }
        return new Evaluation(rule.name(), givenMatched, condition, actions, problems,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private boolean condition(RuleExpression expression, RuleContext context, String clause) {
        Object value = sandbox.evaluate(expression, context);
        if (value == null) {
            // A missing value makes a condition false rather than an error; see ExpressionSandbox.
            return false;
        }
        if (!(value instanceof Boolean)) {
            throw new RuleException(RulesErrorCode.RULE_EVALUATION_FAILED, expression.position(), clause
                    + " must be true or false but is " + describe(value) + "; compare it, e.g. " + clause + ": x > 0");
        }
        return (Boolean) value;
    }

    private EvaluatedAction evaluate(ActionRule rule, Action action, RuleContext context, EventFacts event,
            RuleFactsProvider provider) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (ActionKind.Parameter parameter : action.kind().parameters()) {
            ActionArgument argument = action.arguments().get(parameter.name());
            String what = action.kind() + "." + parameter.name();
            if (argument == null) {
                defaultValue(rule, action, parameter, event).ifPresent(value -> arguments.put(parameter.name(), value));
                continue;
            }
            if (argument instanceof ActionArgument.Secret) {
                String name = ((ActionArgument.Secret) argument).name();
                if (!provider.hasSecret(name)) {
                    throw failed(argument.position(), what + " names the secret " + name
                            + ", which this server does not have; add it to the server's secrets or environment");
                }
                arguments.put(parameter.name(), new SecretReference(name));
                continue;
            }
            Object value = value(argument, context);
            arguments.put(parameter.name(), convert(parameter.type(), value, what, argument.position()));
        }
        return new EvaluatedAction(action.kind(), arguments, action.position());
    }

    private Optional<Object> defaultValue(ActionRule rule, Action action, ActionKind.Parameter parameter, EventFacts event) {
        switch (parameter.name()) {
            case "instance":
                if (event.instance() == null) {
                    throw failed(action.position(), action.kind() + " acts on the event's instance, but this "
                            + event.type() + " event has none; give instance: \"${...}\"");
                }
                return Optional.of(event.instance());
            case "reason":
                return Optional.of("deprecated by rule " + rule.name());
            case "severity":
                return Optional.of("warning");
            default:
                return Optional.empty();
        }
    }

    private Object value(ActionArgument argument, RuleContext context) {
        if (argument instanceof ActionArgument.Literal) {
            return ((ActionArgument.Literal) argument).value();
        }
        if (argument instanceof ActionArgument.Expression) {
            return sandbox.evaluate(((ActionArgument.Expression) argument).expression(), context);
        }
        StringBuilder text = new StringBuilder();
        for (Object part : ((ActionArgument.Template) argument).parts()) {
            text.append(part instanceof RuleExpression ? render(sandbox.evaluate((RuleExpression) part, context)) : part);
            if (text.length() > sandbox.limits().maxStringLength()) {
                throw failed(argument.position(), "the value is longer than " + sandbox.limits().maxStringLength()
                        + " characters");
            }
        }
        return text.toString();
    }

    private static Object convert(ActionKind.ArgumentType type, Object value, String what, SourcePosition position) {
        if (value == null) {
            throw failed(position, what + " is null (a missing value, or nothing served?)");
        }
        switch (type) {
            case INSTANCE:
                if (value instanceof InstanceView) {
                    return UUID.fromString(((InstanceView) value).getId());
                }
                try {
                    return UUID.fromString(value.toString());
                } catch (IllegalArgumentException e) {
                    throw failed(position, what + " must be an instance id but is " + describe(value));
                }
            case NAME:
                if (!(value instanceof String) || !DEPLOYMENT_NAME.matcher((String) value).matches()) {
                    throw failed(position, what + " must be a deployment name but is " + describe(value));
                }
                return value;
            case URL:
                String url = value.toString();
                RuleParser.checkUrl(url).ifPresent(problem -> {
                    throw failed(position, what + " " + problem);
                });
                return url;
            case SEVERITY:
                if (!ActionKind.SEVERITIES.contains(value.toString())) {
                    throw failed(position, what + " must be one of " + ActionKind.SEVERITIES + " but is " + describe(value));
                }
                return value.toString();
            case TEXT:
            default:
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean
                        || value instanceof InstanceView)) {
                    throw failed(position, what + " must be text, a number or true/false but is " + describe(value));
                }
                return render(value);
        }
    }

    private static String render(Object value) {
        return String.valueOf(value);
    }

    private static String describe(Object value) {
        if (value instanceof String) {
            return "text '" + value + "'";
        }
        if (value instanceof Number) {
            return "the number " + value;
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof InstanceView) {
            return "an instance";
        }
        return value == null ? "null" : "a " + value.getClass().getSimpleName();
    }

    private static RuleException failed(SourcePosition position, String message) {
        return new RuleException(RulesErrorCode.RULE_EVALUATION_FAILED, position, message);
    }
}
