package io.carrara.rules;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/** Errors of the rules; range 0x0007_0000 (see {@link RulesErrors}). */
public enum RulesErrorCode implements ErrorCodeSupplier {
    /** A rule file that is not a valid rule: bad YAML, an unknown or missing key, a bad name or value. */
    RULE_INVALID(0x0007_0001, ErrorType.INVALID_INPUT),
    /** An expression the sandbox refuses: a loop, {@code new}, an assignment, too long, or not JEXL at all. */
    RULE_EXPRESSION_REFUSED(0x0007_0002, ErrorType.INVALID_INPUT),
    /** An expression that failed while it ran: an undefined variable, a wrong type, a string too long. */
    RULE_EVALUATION_FAILED(0x0007_0003, ErrorType.INVALID_INPUT),
    /** An expression that ran longer than the sandbox allows ({@code SandboxLimits.timeout}). */
    RULE_EVALUATION_TIMEOUT(0x0007_0004, ErrorType.INVALID_INPUT),
    /** Two rule files of one directory that use the same rule name. */
    RULE_NAME_DUPLICATE(0x0007_0005, ErrorType.CONFLICT),
    /** A rules directory that cannot be read whole: too many files, a file too large, a link leaving it. */
    RULES_DIRECTORY_INVALID(0x0007_0006, ErrorType.INVALID_INPUT);

    private final ErrorCode errorCode;

    RulesErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
