package io.carrara.rules.expression;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.SourcePosition;
import java.util.function.IntFunction;
import org.apache.commons.jexl3.JexlScript;

/**
 * One expression of a rule, parsed and checked once by {@link ExpressionSandbox#compile}, evaluated
 * many times. It knows where its text sits in the rule file, so errors point into the file.
 */
public final class RuleExpression {
    private final String text;
    private final JexlScript script;
    private final IntFunction<SourcePosition> locate;

    RuleExpression(String text, JexlScript script, IntFunction<SourcePosition> locate) {
        this.text = requireNonNull(text, "text is null");
        this.script = requireNonNull(script, "script is null");
        this.locate = requireNonNull(locate, "locate is null");
    }

    /** The expression as written. */
    public String text() {
        return text;
    }

    /** Where the expression starts in its file. */
    public SourcePosition position() {
        return locate.apply(0);
    }

    /**
     * The variables the expression reads, each as the path of properties read from it ({@code event.type} is
     * {@code [event, type]}; a variable whose method is called or that is read whole is its name alone).
     */
    public java.util.Set<java.util.List<String>> variables() {
        return script.getVariables();
    }

    JexlScript script() {
        return script;
    }

    /** The file position of the character at {@code offset} of the text (0-based). */
    SourcePosition positionAt(int offset) {
        return locate.apply(Math.max(0, Math.min(offset, Math.max(0, text.length() - 1))));
    }

    @Override
    public String toString() {
        return text;
    }
}
