package io.carrara.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.expression.RuleExpression;
import java.util.List;

/**
 * One argument of an action as written in the rule file. The rule: <b>a value is literal text unless
 * it contains {@code ${…}}</b>; each {@code ${expression}} is a JEXL expression evaluated like
 * {@code when}. A value that is exactly one {@code ${expression}} keeps the expression's type
 * ({@code instance: ${served('eta')}} is an instance); text around or between expressions makes
 * a string ({@code message: "MAE ${metric('validation', 'mae')} on ${instance.model}"}), where null
 * writes as {@code null}. A secret is never an expression: {@code secret: env.NAME} names it.
 * In YAML's flow style ({@code {a: b}}) braces are syntax, so quote a value with {@code ${…}} there:
 * {@code {deployment: eta, instance: "${instance.id}"}}.
 */
public sealed interface ActionArgument {
    /** Where the value is written. */
    SourcePosition position();

    /** A value without {@code ${…}}: text, a number or a boolean, as YAML read it. */
    record Literal(Object value, SourcePosition position) implements ActionArgument {
        public Literal {
            requireNonNull(value, "value is null");
            requireNonNull(position, "position is null");
        }
    }

    /** A value that is exactly one {@code ${expression}}. */
    record Expression(RuleExpression expression, SourcePosition position) implements ActionArgument {
        public Expression {
            requireNonNull(expression, "expression is null");
            requireNonNull(position, "position is null");
        }
    }

    /** Text with expressions inside; {@code parts} are {@code String}s and {@link RuleExpression}s in order. */
    record Template(List<Object> parts, SourcePosition position) implements ActionArgument {
        public Template {
            parts = List.copyOf(requireNonNull(parts, "parts is null"));
            requireNonNull(position, "position is null");
            for (Object part : parts) {
                if (!(part instanceof String) && !(part instanceof RuleExpression)) {
                    throw new IllegalArgumentException("a template part is text or an expression: " + part);
                }
            }
        }
    }

    /** {@code env.NAME}: the secret's name, which the server resolves when it performs the action. */
    record Secret(String name, SourcePosition position) implements ActionArgument {
        public Secret {
            requireNonNull(name, "name is null");
            requireNonNull(position, "position is null");
        }
    }
}
