package io.carrara.registry.search;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A parsed filter. Operators bind as NOT over AND over OR, so {@code a OR b AND NOT c} is
 * {@code new Or(a, new And(b, new Not(c)))}; chains associate to the left.
 */
public sealed interface Expression {
    record And(Expression left, Expression right) implements Expression {
        public And {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }
    }

    record Or(Expression left, Expression right) implements Expression {
        public Or {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }
    }

    record Not(Expression operand) implements Expression {
        public Not {
            requireNonNull(operand, "operand is null");
        }
    }

    /** {@code key op value}; a bare {@code deprecated} is {@code deprecated = true}. */
    record Comparison(Key key, ComparisonOperator operator, Literal value) implements Expression {
        public Comparison {
            requireNonNull(key, "key is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(value, "value is null");
        }
    }

    /** {@code key [NOT] IN (values)}. */
    record In(Key key, List<Literal> values, boolean negated) implements Expression {
        public In {
            requireNonNull(key, "key is null");
            values = List.copyOf(requireNonNull(values, "values is null"));
            if (values.isEmpty()) {
                throw new IllegalArgumentException("values is empty");
            }
        }
    }

    /** {@code key [NOT] LIKE pattern}, where {@code %} and {@code _} are wildcards and {@code \} escapes them. */
    record Like(Key key, String pattern, boolean negated) implements Expression {
        public Like {
            requireNonNull(key, "key is null");
            requireNonNull(pattern, "pattern is null");
        }
    }

    /** {@code key IS [NOT] NULL}: whether an instance has the metadata entry or metric at all. */
    record IsNull(Key key, boolean negated) implements Expression {
        public IsNull {
            requireNonNull(key, "key is null");
        }
    }
}
