package io.carrara.serving.runtime;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.schema.DataType;
import io.carrara.pipeline.schema.Field;
import io.carrara.pipeline.schema.Schema;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The column kinds of a batch of rows given as Java values, inferred as {@code carrara score}'s
 * {@link io.carrara.pipeline.json.JsonSchemaInference} does for JSON: integral numbers LONG, other
 * numbers DOUBLE (both together DOUBLE), strings STRING, arrays of numbers VECTOR, arrays of strings
 * STRING_ARRAY, arrays of arrays of numbers VECTOR_ARRAY; the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"} beside numbers are doubles; maps are not columns. Where
 * rows disagree the kind seen first wins and the other rows fail when scored, naming the column.
 *
 * <p>A shape is a cache key: equal shapes compile to the same pipeline, so columns are sorted by
 * name and a column that is null in every row keeps its own kind ({@link Kind#NONE}) for the
 * model to decide its type.
 */
record RowShape(List<String> names, List<Kind> kinds, boolean hasNonFiniteText) {
    enum Kind { NONE, LONG, DOUBLE, NON_FINITE, BOOLEAN, STRING, NUMBER_ARRAY, STRING_ARRAY, VECTOR_ARRAY, EMPTY_ARRAY, OBJECT }

    RowShape {
        names = List.copyOf(requireNonNull(names, "names is null"));
        kinds = List.copyOf(requireNonNull(kinds, "kinds is null"));
    }

    static RowShape of(List<Map<String, Object>> rows) {
        Map<String, Kind> kinds = new TreeMap<>();
        boolean nonFinite = false;
        for (Map<String, Object> row : rows) {
            for (Map.Entry<String, Object> field : row.entrySet()) {
                Kind seen = kind(field.getValue());
                nonFinite |= seen == Kind.NON_FINITE || seen == Kind.NUMBER_ARRAY && hasText(field.getValue());
                Kind known = kinds.get(field.getKey());
                if (known == null) {
                    kinds.put(field.getKey(), seen);
                } else {
                    Kind merged = merge(known, seen);
                    if (merged != null) {
                        kinds.put(field.getKey(), merged);
                    }
                }
            }
        }
        return new RowShape(new ArrayList<>(kinds.keySet()), new ArrayList<>(kinds.values()), nonFinite);
    }

    /** The columns that are null in every row, whose type the values cannot tell. */
    List<String> nullOnly() {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (kinds.get(i) == Kind.NONE) {
                fields.add(names.get(i));
            }
        }
        return fields;
    }

    /** The schema, reading null-only columns as {@code nullType}. */
    Schema schema(DataType nullType) {
        List<Field> fields = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            DataType type = switch (kinds.get(i)) {
                case NONE -> nullType;
                case STRING, NON_FINITE -> DataType.STRING; // "NaN" alone is text, as Spark's JSON reader has it
                case LONG -> DataType.LONG;
                case DOUBLE -> DataType.DOUBLE;
                case BOOLEAN -> DataType.BOOLEAN;
                case NUMBER_ARRAY -> DataType.VECTOR;
                case STRING_ARRAY, EMPTY_ARRAY -> DataType.STRING_ARRAY;
                case VECTOR_ARRAY -> DataType.VECTOR_ARRAY;
                case OBJECT -> null;
            };
            if (type != null) {
                fields.add(new Field(names.get(i), type));
            }
        }
        return new Schema(fields);
    }

    /**
     * The row with the strings "NaN", "Infinity", "-Infinity" of numeric columns as doubles, as the
     * JSON reader gives them; the row itself when nothing changes.
     */
    Map<String, Object> withNonFiniteNumbers(Map<String, Object> row, Schema schema) {
        Map<String, Object> converted = null;
        for (Map.Entry<String, Object> field : row.entrySet()) {
            Object value = field.getValue();
            if (!(value instanceof String || value instanceof List)) {
                continue;
            }
            DataType type = schema.field(field.getKey()).map(Field::type).orElse(null);
            if (type == null || !(type.isNumeric() && type != DataType.BOOLEAN || type == DataType.VECTOR || type == DataType.VECTOR_ARRAY)) {
                continue;
            }
            Object number = toNumbers(value);
            if (number != value) {
                if (converted == null) {
                    converted = new LinkedHashMap<>(row);
                }
                converted.put(field.getKey(), number);
            }
        }
        return converted == null ? row : converted;
    }

    private static Object toNumbers(Object value) {
        if (value instanceof String text) {
            Double special = nonFinite(text);
            return special == null ? value : special;
        }
        if (value instanceof List<?> list) {
            List<Object> converted = null;
            for (int i = 0; i < list.size(); i++) {
                Object element = list.get(i);
                Object number = toNumbers(element);
                if (number != element) {
                    if (converted == null) {
                        converted = new ArrayList<>(list);
                    }
                    converted.set(i, number);
                }
            }
            return converted == null ? value : Collections.unmodifiableList(converted);
        }
        return value;
    }

    private static boolean hasText(Object value) {
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (element instanceof String || hasText(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    static Double nonFinite(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    private static Kind kind(Object value) {
        if (value == null) {
            return Kind.NONE;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Kind.LONG;
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? Kind.LONG : Kind.DOUBLE;
        }
        if (value instanceof Number) {
            return Kind.DOUBLE;
        }
        if (value instanceof Boolean) {
            return Kind.BOOLEAN;
        }
        if (value instanceof String text) {
            return nonFinite(text) != null ? Kind.NON_FINITE : Kind.STRING;
        }
        if (value instanceof Vector || value instanceof double[]) {
            return Kind.NUMBER_ARRAY;
        }
        if (value instanceof List<?> list) {
            Kind elements = Kind.NONE;
            for (Object element : list) {
                Kind asElement = switch (kind(element)) {
                    case LONG, DOUBLE, NON_FINITE -> Kind.DOUBLE;
                    case STRING -> Kind.STRING;
                    case NUMBER_ARRAY, EMPTY_ARRAY -> Kind.NUMBER_ARRAY;
                    case NONE -> Kind.NONE;
                    default -> null;
                };
                if (asElement == null || (elements != Kind.NONE && asElement != Kind.NONE && asElement != elements)) {
                    return Kind.OBJECT;
                }
                if (asElement != Kind.NONE) {
                    elements = asElement;
                }
            }
            return switch (elements) {
                case NONE -> Kind.EMPTY_ARRAY;
                case DOUBLE -> Kind.NUMBER_ARRAY;
                case STRING -> Kind.STRING_ARRAY;
                default -> Kind.VECTOR_ARRAY;
            };
        }
        return Kind.OBJECT;
    }

    /** The kind of a column seen as both, or null when they cannot be one column (the first wins). */
    private static Kind merge(Kind a, Kind b) {
        if (a == b || b == Kind.NONE) {
            return a;
        }
        if (a == Kind.NONE) {
            return b;
        }
        if (isNumber(a) && isNumber(b)) {
            return Kind.DOUBLE;
        }
        if ((a == Kind.NON_FINITE && b == Kind.STRING) || (a == Kind.STRING && b == Kind.NON_FINITE)) {
            return Kind.STRING;
        }
        boolean aArray = a == Kind.NUMBER_ARRAY || a == Kind.STRING_ARRAY || a == Kind.VECTOR_ARRAY;
        boolean bArray = b == Kind.NUMBER_ARRAY || b == Kind.STRING_ARRAY || b == Kind.VECTOR_ARRAY;
        if (a == Kind.EMPTY_ARRAY && bArray) {
            return b;
        }
        if (b == Kind.EMPTY_ARRAY && aArray) {
            return a;
        }
        return null;
    }

    private static boolean isNumber(Kind kind) {
        return kind == Kind.LONG || kind == Kind.DOUBLE || kind == Kind.NON_FINITE;
    }
}
