package io.carrara.registry.search;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A value written in a filter. The parser has already checked it against its key, so a
 * {@code created_at} comparison holds a {@link TimestampLiteral} rather than the string the user typed.
 */
public sealed interface Literal {
    record StringLiteral(String value) implements Literal {
        public StringLiteral {
            requireNonNull(value, "value is null");
        }
    }

    record LongLiteral(long value) implements Literal {}

    record DoubleLiteral(double value) implements Literal {
        public DoubleLiteral {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("value is not finite: " + value);
            }
        }
    }

    record BooleanLiteral(boolean value) implements Literal {}

    record TimestampLiteral(Instant value) implements Literal {
        public TimestampLiteral {
            requireNonNull(value, "value is null");
        }
    }
}
