package io.carrara.pipeline.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.schema.DataType;
import io.carrara.pipeline.schema.Field;
import io.carrara.pipeline.schema.Schema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Infers the input schema of JSON rows the way Spark's JSON reader would for the types a pipeline
 * reads: integral numbers are LONG, other numbers DOUBLE (LONG and DOUBLE together widen to
 * DOUBLE), strings STRING, booleans BOOLEAN, arrays of numbers VECTOR, arrays of strings
 * STRING_ARRAY, arrays of arrays of numbers VECTOR_ARRAY. A field that is only ever null is a
 * STRING, as Spark reads it; the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}
 * beside numbers are doubles. Objects are not pipeline columns: such a field stays out of the
 * schema and passes through. Where rows disagree, the type seen first is the column's and the
 * disagreement is kept in {@link #conflicts()}. Types declared up front win, and their fields are
 * not inferred.
 *
 * <pre>{@code
 * JsonSchemaInference inference = new JsonSchemaInference(Map.of());
 * rows.forEach(row -> inference.observe(row, lineNumber));
 * Schema schema = inference.schema();
 * }</pre>
 */
public final class JsonSchemaInference {
    private enum Kind { NONE, LONG, DOUBLE, NON_FINITE, BOOLEAN, STRING, NUMBER_ARRAY, STRING_ARRAY, VECTOR_ARRAY, EMPTY_ARRAY, OBJECT }

    private final Map<String, DataType> declared;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Map<String, Long> firstLines = new LinkedHashMap<>();
    private final Map<String, String> conflicts = new LinkedHashMap<>();

    public JsonSchemaInference(Map<String, DataType> declared) {
        this.declared = Map.copyOf(requireNonNull(declared, "declared is null"));
    }

    /** Records one row's fields; {@code line} names the row in an error. */
    public void observe(ObjectNode row, long line) {
        requireNonNull(row, "row is null");
        Iterator<Map.Entry<String, JsonNode>> fields = row.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (declared.containsKey(name)) {
                kinds.putIfAbsent(name, Kind.NONE);
                continue;
            }
            Kind seen = kind(field.getValue());
            Kind known = kinds.get(name);
            if (known == null) {
                kinds.put(name, seen);
                firstLines.put(name, line);
                continue;
            }
            Kind merged = merge(known, seen);
            if (merged == null) {
                // The first type wins; the rows that disagree fail one by one, naming the column.
                conflicts.putIfAbsent(name, "field '" + name + "' is " + describe(known) + " on line " + firstLines.get(name)
                        + " and " + describe(seen) + " on line " + line);
                continue;
            }
            if (known == Kind.NONE && merged != Kind.NONE) {
                firstLines.put(name, line);
            }
            kinds.put(name, merged);
        }
    }

    /** The fields seen, in the order first seen, typed. */
    public Schema schema() {
        List<Field> fields = new ArrayList<>();
        kinds.forEach((name, kind) -> {
            DataType type = declared.containsKey(name) ? declared.get(name) : type(kind);
            if (type != null) {
                fields.add(new Field(name, type));
            }
        });
        declared.forEach((name, type) -> {
            if (!kinds.containsKey(name)) {
                fields.add(new Field(name, type));
            }
        });
        return new Schema(fields);
    }

    /**
     * Fields seen with two types that cannot be one column, e.g. {@code field 'distance' is a number
     * on line 1 and a string on line 9}. The type seen first is the column's; the rows with the other
     * fail when scored.
     */
    public List<String> conflicts() {
        return List.copyOf(conflicts.values());
    }

    /** Fields that were null in every row, which Spark would read as strings; worth a hint when compiling fails. */
    public List<String> nullOnlyFields() {
        return kinds.entrySet().stream().filter(entry -> entry.getValue() == Kind.NONE && !declared.containsKey(entry.getKey()))
                .map(Map.Entry::getKey).toList();
    }

    private static DataType type(Kind kind) {
        return switch (kind) {
            case NONE, STRING, NON_FINITE -> DataType.STRING;
            case LONG -> DataType.LONG;
            case DOUBLE -> DataType.DOUBLE;
            case BOOLEAN -> DataType.BOOLEAN;
            case NUMBER_ARRAY -> DataType.VECTOR;
            case STRING_ARRAY, EMPTY_ARRAY -> DataType.STRING_ARRAY;
            case VECTOR_ARRAY -> DataType.VECTOR_ARRAY;
            case OBJECT -> null;
        };
    }

    private static Kind kind(JsonNode node) {
        if (node == null || node.isNull()) {
            return Kind.NONE;
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() && node.canConvertToLong() ? Kind.LONG : Kind.DOUBLE;
        }
        if (node.isBoolean()) {
            return Kind.BOOLEAN;
        }
        if (node.isTextual()) {
            return JsonRows.nonFinite(node.textValue()) != null ? Kind.NON_FINITE : Kind.STRING;
        }
        if (node.isArray()) {
            Kind elements = Kind.NONE;
            for (JsonNode element : node) {
                Kind kind = kind(element);
                Kind asElement = switch (kind) {
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

    /** The kind of a field seen as both, or null when the two cannot be one column. */
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

    private static String describe(Kind kind) {
        return switch (kind) {
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
}
