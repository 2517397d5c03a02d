package io.carrara.rules.expression;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.RuleException;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.SourcePosition;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.JexlScript;

/**
 * Compiles and runs rule expressions in a sandbox. Rules are untrusted text, so:
 * <ul>
 * <li>the parser (JEXL 3 features) accepts one expression only: no loops, {@code new}, assignment or
 *     other side effect, pragma, annotation, lambda, function, local variable or statement;</li>
 * <li>only the variables {@code instance}, {@code meta}, {@code metric}, {@code event} may appear
 *     (checked on the parsed form), and the functions {@code metric(scope, name)} and {@code served(name)};</li>
 * <li>introspection sees only the {@link RuleVisible} methods of Carrara's views ({@link SandboxPermissions}):
 *     no class, reflection, {@code System}, constructor, field or JDK method; calling anything else is an
 *     error naming it ({@link SandboxUberspect});</li>
 * <li>the engine is strict: an undefined variable or property is an error;</li>
 * <li>bounds ({@link SandboxLimits}): the text's length, the length of strings built, the length of
 *     {@code =~} patterns, and the time of one rule's evaluation, after which it is cancelled (JEXL's
 *     cancellation flag, plus a deadline that pattern matching and the functions check).</li>
 * </ul>
 * Missing values are null, never an error: {@code meta.missing}, {@code metric('validation', 'nope')},
 * {@code served('none')} and any property of null ({@code served('none').id}, {@code metric.scope} for an
 * event that recorded no metric). Arithmetic over null is null, ordering comparisons with null are false,
 * null counts as false in {@code && || !}, and a condition that is null is false; so a condition over a
 * missing value does not hold.
 * <pre>{@code
 * ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS);
 * RuleExpression when = sandbox.compile("metric('validation', 'mae') < 5", offset -> position); // once, at load
 * RuleContext context = sandbox.context(instance, event, provider);                          // per event
 * Object value = sandbox.evaluate(when, context);                                            // RuleException on error
 * }</pre>
 * Thread-safe.
 */
public final class ExpressionSandbox {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "carrara-rules-timer");
        thread.setDaemon(true);
        return thread;
    });
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final java.util.Set<String> STATEMENT_WORDS = java.util.Set.of("for", "while", "do", "if", "var", "let",
            "const", "function", "return", "break", "continue", "new", "import", "try", "throw");
    private static final Pattern JEXL_LOCATION = Pattern.compile("^\\S*@\\d+(?::\\d+)*(?::)?\\s*");

    private final SandboxLimits limits;
    private final JexlFeatures features;
    private final JexlEngine jexl;

    public ExpressionSandbox(SandboxLimits limits) {
        this.limits = requireNonNull(limits, "limits is null");
        // Everything off (loops, new, assignment and any side effect, pragmas, annotations, lambdas, local
        // variables, statements), then on only what rules read with: method calls and [list]/{map} literals.
        this.features = JexlFeatures.createNone()
                .methodCall(true)
                .structuredLiteral(true);
        this.jexl = new JexlBuilder()
                .features(features)
                .uberspect(new SandboxUberspect())
                .arithmetic(new SandboxArithmetic(limits))
                .strict(true)
                .safe(true)
                .silent(false)
                .cancellable(true)
                .cache(512)
                .create();
    }

    public SandboxLimits limits() {
        return limits;
    }

    /**
     * Parses and checks {@code text}; {@code locate} maps a 0-based offset in {@code text} to its
     * place in the rule file. Throws {@link RuleException} with {@code RULE_EXPRESSION_REFUSED} and
     * the position of the offending part when the sandbox refuses it.
     */
    public RuleExpression compile(String text, IntFunction<SourcePosition> locate) {
        requireNonNull(locate, "locate is null");
        if (text == null || text.isBlank()) {
            throw refused(locate.apply(0), "the expression is empty");
        }
        if (text.length() > limits.maxExpressionLength()) {
            throw refused(locate.apply(0), "the expression is " + text.length() + " characters long; the limit is "
                    + limits.maxExpressionLength());
        }
        JexlScript script;
        try {
            script = jexl.createScript(features, new JexlInfo("rule", 1, 1), text);
        } catch (JexlException e) {
            int offset = offset(text, e.getInfo());
            throw refused(locate.apply(offset), parseMessage(e, text, offset));
        } catch (StackOverflowError e) {
            throw refused(locate.apply(0), "the expression is nested too deeply");
        }
        for (List<String> variable : script.getVariables()) {
            String name = variable.get(0);
            if (!RuleContext.VARIABLES.contains(name)) {
                throw refused(locate.apply(indexOfIdentifier(text, name)), "unknown variable '" + name
                        + "': a rule can use instance, meta, metric and event, the functions metric(scope, name) and"
                        + " served(deployment), and literals");
            }
        }
        return new RuleExpression(text, script, locate);
    }

    /** A context for one evaluation of a rule, whose time limit starts now. */
    public RuleContext context(InstanceFacts instance, EventFacts event, RuleFactsProvider provider) {
        return new RuleContext(instance, event, provider, System.nanoTime() + limits.timeout().toNanos());
    }

    /**
     * Evaluates {@code expression} in {@code context}; throws {@link RuleException} with
     * {@code RULE_EVALUATION_FAILED} or {@code RULE_EVALUATION_TIMEOUT} and the expression's position.
     */
    public Object evaluate(RuleExpression expression, RuleContext context) {
        requireNonNull(expression, "expression is null");
        requireNonNull(context, "context is null");
        long remaining = context.deadline() - System.nanoTime();
        if (remaining <= 0 || context.getCancellation().get()) {
            throw timeout(expression);
        }
        ScheduledFuture<?> alarm = TIMER.schedule(() -> context.getCancellation().set(true), remaining, TimeUnit.NANOSECONDS);
        SandboxArithmetic.CURRENT.set(context);
        try {
            Object value = expression.script().execute(context);
            if (value instanceof CharSequence && ((CharSequence) value).length() > limits.maxStringLength()) {
                throw new RuleException(RulesErrorCode.RULE_EVALUATION_FAILED, expression.position(),
                        "the expression builds a string longer than " + limits.maxStringLength() + " characters");
            }
            return value;
        } catch (RuleException e) {
            throw e;
        } catch (JexlException.Cancel e) {
            throw timeout(expression);
        } catch (JexlException e) {
            if (causedByTimeout(e)) {
                throw timeout(expression);
            }
            throw new RuleException(RulesErrorCode.RULE_EVALUATION_FAILED,
                    expression.positionAt(offset(expression.text(), e.getInfo())), evaluationMessage(e), e);
        } catch (RuleContext.EvaluationTimeoutException e) {
            throw timeout(expression);
        } catch (StackOverflowError e) {
            throw new RuleException(RulesErrorCode.RULE_EVALUATION_FAILED, expression.position(),
                    "the expression recursed too deeply (a regular expression over long text?)");
        } catch (RuntimeException e) {
            if (causedByTimeout(e)) {
                throw timeout(expression);
            }
            throw new RuleException(RulesErrorCode.RULE_EVALUATION_FAILED, expression.position(), message(e), e);
        } finally {
            SandboxArithmetic.CURRENT.remove();
            alarm.cancel(false);
        }
    }

    private RuleException timeout(RuleExpression expression) {
        return new RuleException(RulesErrorCode.RULE_EVALUATION_TIMEOUT, expression.position(),
                "the rule's evaluation took longer than " + limits.timeout().toMillis() + " ms, its limit; '"
                        + abbreviate(expression.text()) + "' was cancelled (a regular expression that backtracks?)");
    }

    private static RuleException refused(SourcePosition position, String message) {
        return new RuleException(RulesErrorCode.RULE_EXPRESSION_REFUSED, position, message);
    }

    private static boolean causedByTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RuleContext.EvaluationTimeoutException || t instanceof JexlException.Cancel) {
                return true;
            }
        }
        return false;
    }

    /** The 0-based offset in {@code text} of a JEXL position (1-based line and column). */
    static int offset(String text, JexlInfo info) {
        if (info == null || info.getLine() < 1) {
            return 0;
        }
        int offset = 0;
        for (int line = 1; line < info.getLine(); line++) {
            int newline = text.indexOf('\n', offset);
            if (newline < 0) {
                return 0;
            }
            offset = newline + 1;
        }
        return Math.min(text.length(), offset + Math.max(0, info.getColumn() - 1));
    }

    private static int indexOfIdentifier(String text, String name) {
        Matcher matcher = IDENTIFIER.matcher(text);
        while (matcher.find()) {
            if (matcher.group().equals(name)) {
                return matcher.start();
            }
        }
        return 0;
    }

    private static String parseMessage(JexlException e, String text, int offset) {
        Matcher word = IDENTIFIER.matcher(text);
        if (word.find(offset) && word.start() == offset && STATEMENT_WORDS.contains(word.group())) {
            return "'" + word.group() + "' is not allowed in rules: a rule is one expression, without loops, statements,"
                    + " variables, functions or new";
        }
        String detail = strip(e.getMessage());
        String lower = detail.toLowerCase(Locale.ROOT);
        if (lower.contains("assign")) {
            return "assignment is not allowed in rules, which only read: " + detail;
        }
        if (lower.contains("local variable") || lower.contains("lambda") || lower.contains("function")) {
            return "functions, lambdas and local variables are not allowed in rules: " + detail;
        }
        if (lower.contains("pragma")) {
            return "pragmas are not allowed in rules: " + detail;
        }
        if (offset < text.length() && text.charAt(offset) == '@' || lower.contains("annotation")) {
            return "annotations are not allowed in rules: " + detail;
        }
        if (offset < text.length() && text.charAt(offset) == ';') {
            return "a rule is one expression; ';' is not allowed: " + detail;
        }
        if (e instanceof JexlException.Feature) {
            return "not allowed in rules: " + detail;
        }
        return "not a valid expression: " + detail;
    }

    private static String evaluationMessage(JexlException e) {
        if (e instanceof JexlException.Variable) {
            return "undefined variable '" + ((JexlException.Variable) e).getVariable() + "'";
        }
        if (e instanceof JexlException.Property) {
            return "unknown property '" + ((JexlException.Property) e).getProperty() + "' (or a property a rule may not read)";
        }
        if (e instanceof JexlException.Method) {
            return "unknown function or method '" + ((JexlException.Method) e).getMethod()
                    + "' (a rule can call metric(scope, name), served(deployment) and .metric(scope, name) of an instance)";
        }
        Throwable cause = rootCause(e);
        if ((cause instanceof UnsupportedOperationException || cause instanceof IllegalArgumentException)
                && cause.getMessage() != null) {
            // The sandbox's own refusals (SandboxUberspect, RuleContext) say all there is to say.
            return cause.getMessage();
        }
        if (cause != null && cause != e && cause.getMessage() != null) {
            return strip(e.getMessage()) + ": " + cause.getMessage();
        }
        return strip(e.getMessage());
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e.getCause();
        while (cause instanceof InvocationTargetException || cause instanceof JexlException) {
            if (cause.getCause() == null) {
                break;
            }
            cause = cause.getCause();
        }
        if (cause instanceof InvocationTargetException) {
            cause = ((InvocationTargetException) cause).getTargetException();
        }
        return cause;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String strip(String message) {
        if (message == null) {
            return "";
        }
        String stripped = JEXL_LOCATION.matcher(message).replaceFirst("").trim();
        return stripped.startsWith("JEXL error : ") ? stripped.substring("JEXL error : ".length()) : stripped;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
