package io.carrara.pipeline.json;

import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import java.math.BigInteger;
import java.util.List;

/**
 * What one row value says about its column's type, the way Spark's JSON reader infers a schema:
 * integral numbers LONG, other numbers DOUBLE (together DOUBLE), strings STRING (the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} beside numbers are doubles), arrays of
 * numbers VECTOR, arrays of strings STRING_ARRAY, arrays of arrays of numbers VECTOR_ARRAY; maps are
 * not columns. Shared by {@code carrara score} ({@link JsonSchemaInference}) and the prediction
 * server, so both read a row's types the same way.
 */
public enum ValueKind {
    NONE, LONG, DOUBLE, NON_FINITE, BOOLEAN, STRING, NUMBER_ARRAY, STRING_ARRAY, VECTOR_ARRAY, EMPTY_ARRAY, OBJECT;

    /** The kind of a plain Java value: Number, String, Boolean, List, Map, Vector, double[] or null. */
    public static ValueKind of(Object value) {
        if (value == null) {
            return NONE;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return LONG;
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? LONG : DOUBLE;
        }
        if (value instanceof Number) {
            return DOUBLE;
        }
        if (value instanceof Boolean) {
            return BOOLEAN;
        }
        if (value instanceof String text) {
            return nonFinite(text) != null ? NON_FINITE : STRING;
        }
        if (value instanceof Vector || value instanceof double[]) {
            return NUMBER_ARRAY;
        }
        if (value instanceof List<?> list) {
            ValueKind elements = NONE;
            for (Object element : list) {
                ValueKind asElement = switch (of(element)) {
                    case LONG, DOUBLE, NON_FINITE -> DOUBLE;
                    case STRING -> STRING;
                    case NUMBER_ARRAY, EMPTY_ARRAY -> NUMBER_ARRAY;
                    case NONE -> NONE;
                    default -> null;
                };
                if (asElement == null || (elements != NONE && asElement != NONE && asElement != elements)) {
                    return OBJECT;
                }
                if (asElement != NONE) {
                    elements = asElement;
                }
            }
            return switch (elements) {
                case NONE -> EMPTY_ARRAY;
                case DOUBLE -> NUMBER_ARRAY;
                case STRING -> STRING_ARRAY;
                default -> VECTOR_ARRAY;
            };
        }
        return OBJECT; // a Map or anything else: not a column
    }

    /** The kind of a column seen as both, or null when the two cannot be one column. */
    public static ValueKind merge(ValueKind a, ValueKind b) {
        if (a == b || b == NONE) {
            return a;
        }
        if (a == NONE) {
            return b;
        }
        if (a.isNumber() && b.isNumber()) {
            return DOUBLE;
        }
        if ((a == NON_FINITE && b == STRING) || (a == STRING && b == NON_FINITE)) {
            return STRING;
        }
        if (a == EMPTY_ARRAY && b.isArray()) {
            return b;
        }
        if (b == EMPTY_ARRAY && a.isArray()) {
            return a;
        }
        return null;
    }

    /**
     * The column type this kind gives; {@code nullType} for a column null in every row, and null for
     * maps, which are not columns. {@code "NaN"} alone is text, as Spark's JSON reader has it.
     */
    public DataType dataType(DataType nullType) {
        return switch (this) {
            case NONE -> nullType;
            case STRING, NON_FINITE -> DataType.STRING;
            case LONG -> DataType.LONG;
            case DOUBLE -> DataType.DOUBLE;
            case BOOLEAN -> DataType.BOOLEAN;
            case NUMBER_ARRAY -> DataType.VECTOR;
            case STRING_ARRAY, EMPTY_ARRAY -> DataType.STRING_ARRAY;
            case VECTOR_ARRAY -> DataType.VECTOR_ARRAY;
            case OBJECT -> null;
        };
    }

    /** How an error names a value of this kind. */
    public String description() {
        return switch (this) {
            case LONG, DOUBLE, NON_FINITE -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            case NUMBER_ARRAY -> "an array of numbers";
            case STRING_ARRAY -> "an array of strings";
            case VECTOR_ARRAY -> "an array of arrays of numbers";
            case EMPTY_ARRAY -> "an empty array";
            case OBJECT -> "an object";
            case NONE -> "null";
        };
    }

    /** The double a non-finite string names ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), or null. */
    public static Double nonFinite(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    private boolean isNumber() {
        return this == LONG || this == DOUBLE || this == NON_FINITE;
    }

    private boolean isArray() {
        return this == NUMBER_ARRAY || this == STRING_ARRAY || this == VECTOR_ARRAY;
    }
}
