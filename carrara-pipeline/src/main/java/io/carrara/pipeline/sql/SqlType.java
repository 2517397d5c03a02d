package io.carrara.pipeline.sql;

import io.carrara.spi.schema.DataType;
import java.util.Optional;

/**
 * The Spark SQL types an expression of the supported subset can have, with Spark 4's ANSI
 * coercion rules between them. Every numeric value and boolean is held as a double while
 * evaluating (integers exactly, floats as the widened float); {@code DECIMAL} only exists for
 * literals such as {@code 1.5}, which Spark types as decimals, and may reach no output column.
 */
enum SqlType {
    /** The type of a bare {@code NULL} literal (Spark's {@code void}). */
    NULL("void"),
    BOOLEAN("boolean"),
    BYTE("tinyint"),
    SHORT("smallint"),
    INT("int"),
    LONG("bigint"),
    FLOAT("float"),
    DOUBLE("double"),
    DECIMAL("decimal"),
    STRING("string");

    private final String sparkName;

    SqlType(String sparkName) {
        this.sparkName = sparkName;
    }

    String sparkName() {
        return sparkName;
    }

    boolean isNumeric() {
        return ordinal() >= BYTE.ordinal() && ordinal() <= DECIMAL.ordinal();
    }

    boolean isIntegral() {
        return this == BYTE || this == SHORT || this == INT || this == LONG;
    }

    static SqlType of(DataType type) {
        return switch (type) {
            case STRING -> STRING;
            case BOOLEAN -> BOOLEAN;
            case BYTE -> BYTE;
            case SHORT -> SHORT;
            case INTEGER -> INT;
            case LONG -> LONG;
            case FLOAT -> FLOAT;
            case DOUBLE -> DOUBLE;
            default -> throw new IllegalArgumentException("no SQL scalar type for " + type);
        };
    }

    /** The column type of an output; empty for the types the runtime cannot hold (void, decimal). */
    Optional<DataType> dataType() {
        return switch (this) {
            case BOOLEAN -> Optional.of(DataType.BOOLEAN);
            case BYTE -> Optional.of(DataType.BYTE);
            case SHORT -> Optional.of(DataType.SHORT);
            case INT -> Optional.of(DataType.INTEGER);
            case LONG -> Optional.of(DataType.LONG);
            case FLOAT -> Optional.of(DataType.FLOAT);
            case DOUBLE -> Optional.of(DataType.DOUBLE);
            case STRING -> Optional.of(DataType.STRING);
            default -> Optional.empty();
        };
    }

    /**
     * The type two operands are brought to, as Spark's ANSI {@code findWiderTypeForTwo} does for
     * the types here; empty when Spark would need a cast the subset refuses (a string with a
     * number, a boolean with a number). A float with any other numeric type widens to double, as
     * an integer in a float could lose digits; a decimal with a float or double becomes a double.
     */
    static Optional<SqlType> common(SqlType left, SqlType right) {
        if (left == right) {
            return Optional.of(left);
        }
        if (left == NULL) {
            return Optional.of(right);
        }
        if (right == NULL) {
            return Optional.of(left);
        }
        if (!left.isNumeric() || !right.isNumeric()) {
            return Optional.empty();
        }
        if (left == DECIMAL || right == DECIMAL) {
            SqlType other = left == DECIMAL ? right : left;
            return Optional.of(other == FLOAT || other == DOUBLE ? DOUBLE : DECIMAL);
        }
        SqlType wider = left.ordinal() > right.ordinal() ? left : right;
        return Optional.of(wider == FLOAT ? DOUBLE : wider);
    }
}
