package io.carrara.rules.expression;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The bounds every rule expression runs within: the length of its text, the length of any string it
 * builds, the length of a regular expression it matches with {@code =~}, and the time one rule's
 * evaluation (given, when and every action argument together) may take.
 */
public record SandboxLimits(int maxExpressionLength, int maxStringLength, int maxPatternLength, Duration timeout) {
    public static final SandboxLimits DEFAULTS = new SandboxLimits(2_000, 10_000, 200, Duration.ofSeconds(1));

    public SandboxLimits {
        requireNonNull(timeout, "timeout is null");
        if (maxExpressionLength < 1 || maxStringLength < 1 || maxPatternLength < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    public SandboxLimits withTimeout(Duration newTimeout) {
        return new SandboxLimits(maxExpressionLength, maxStringLength, maxPatternLength, newTimeout);
    }
}
