package io.carrara.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCodeSupplier;

/**
 * A {@link CarraraException} about a place in a rule file, so that loaders and the test runner can
 * report the file, line and column beside the message.
 */
public final class RuleException extends CarraraException {
    private static final long serialVersionUID = 1L;

    private final transient SourcePosition position;

    public RuleException(ErrorCodeSupplier code, SourcePosition position, String message) {
        this(code, position, message, null);
    }

    public RuleException(ErrorCodeSupplier code, SourcePosition position, String message, Throwable cause) {
        super(code, message, null, cause);
        this.position = requireNonNull(position, "position is null");
    }

    public SourcePosition position() {
        return position;
    }

    /** The problem this exception reports, for results that collect problems rather than throw. */
    public RuleProblem toProblem() {
        return new RuleProblem(errorCode(), position, getMessage());
    }
}
