package io.carrara.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.ErrorCode;

/**
 * One thing wrong with a rule, found when loading it or when evaluating it: the code, where it is,
 * and a message that names the offending key or expression and what to change, e.g.
 * {@code rules/eta.yaml:5:7: RULE_EXPRESSION_REFUSED: loops are not allowed in rules}.
 */
public record RuleProblem(ErrorCode code, SourcePosition position, String message) {
    public RuleProblem {
        requireNonNull(code, "code is null");
        requireNonNull(position, "position is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return position + ": " + code.name() + ": " + message;
    }
}
