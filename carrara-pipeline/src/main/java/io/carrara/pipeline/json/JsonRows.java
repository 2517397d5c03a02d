package io.carrara.pipeline.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of scored rows, shared by {@code carrara score}, the prediction server and its
 * clients so that every path prints a row the same way:
 *
 * <ul>
 *   <li>input: one JSON object per row; numbers, strings, booleans and null for scalar columns,
 *       arrays of numbers for vector columns, arrays of strings for string-array columns. In a
 *       numeric column the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} are
 *       those doubles;</li>
 *   <li>output: the input object unchanged, then every column the pipeline adds under Spark's
 *       name, vectors as dense arrays of doubles and non-finite doubles as the strings above.</li>
 * </ul>
 */
public final class JsonRows {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRows() {}

    /**
     * The row a {@link io.carrara.pipeline.Scorer} takes: each field's JSON value as a plain Java
     * value (Number, String, Boolean, List, null). Values of the wrong type are kept as they are,
     * so the scorer reports them as a row error naming the column.
     */
    public static Map<String, Object> toRow(ObjectNode object, Map<String, DataType> types) {
        requireNonNull(object, "object is null");
        requireNonNull(types, "types is null");
        Map<String, Object> row = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            DataType type = types.get(field.getKey());
            boolean numbers = type != null && (type.isNumeric() && type != DataType.BOOLEAN
                    || type == DataType.VECTOR || type == DataType.DOUBLE_ARRAY || type == DataType.VECTOR_ARRAY);
            row.put(field.getKey(), toValue(field.getValue(), numbers));
        }
        return row;
    }

    /** {@code numeric}: the column holds numbers, so the non-finite strings are doubles. */
    private static Object toValue(JsonNode node, boolean numeric) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            if (numeric) {
                Double special = ValueKind.nonFinite(node.textValue());
                if (special != null) {
                    return special;
                }
            }
            return node.textValue();
        }
        if (node.isArray()) {
            List<Object> values = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                values.add(toValue(element, numeric));
            }
            return Collections.unmodifiableList(values);
        }
        return node.toString();
    }

    /** A JSON value as a plain Java value for type inference: as {@link #toRow} gives it, but objects as maps. */
    static Object plainValue(JsonNode node) {
        if (node != null && node.isObject()) {
            return Map.of();
        }
        if (node != null && node.isArray()) {
            List<Object> values = new ArrayList<>(node.size());
            node.forEach(element -> values.add(plainValue(element)));
            return values;
        }
        return toValue(node, false);
    }

    /** The input object followed by each added field's value from a scored row. */
    public static ObjectNode toJson(ObjectNode input, Map<String, Object> scored, List<Field> added) {
        requireNonNull(input, "input is null");
        requireNonNull(scored, "scored is null");
        requireNonNull(added, "added is null");
        ObjectNode output = input.deepCopy();
        for (Field field : added) {
            output.set(field.name(), toJson(scored.get(field.name())));
        }
        return output;
    }

    /**
     * Writes what {@link #toJson(ObjectNode, Map, List)} builds, field for field, straight to
     * {@code out} without building a tree: the server's response path, where the tree of a row with
     * a few wide vectors costs more than scoring it. {@code out} must come from an {@code ObjectMapper}
     * ({@code mapper.createGenerator(...)}), which writes the input's own values.
     */
    public static void write(JsonGenerator out, ObjectNode input, Map<String, Object> scored, List<Field> added) throws IOException {
        requireNonNull(out, "out is null");
        requireNonNull(input, "input is null");
        requireNonNull(scored, "scored is null");
        requireNonNull(added, "added is null");
        out.writeStartObject();
        Iterator<Map.Entry<String, JsonNode>> fields = input.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            out.writeFieldName(field.getKey());
            if (isAdded(added, field.getKey())) {
                // An added column of an input's name replaces its value in place, as ObjectNode.set does.
                write(out, scored.get(field.getKey()));
            } else {
                out.writeTree(field.getValue());
            }
        }
        for (Field field : added) {
            if (!input.has(field.name())) {
                out.writeFieldName(field.name());
                write(out, scored.get(field.name()));
            }
        }
        out.writeEndObject();
    }

    private static boolean isAdded(List<Field> added, String name) {
        for (Field field : added) {
            if (field.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Writes one value as {@link #toJson(Object)} forms it. */
    public static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof Double number) {
            write(out, number.doubleValue());
        } else if (value instanceof Float number) {
            write(out, number.doubleValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).longValue());
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof Vector vector) {
            out.writeStartArray();
            for (int i = 0; i < vector.size(); i++) {
                write(out, vector.get(i));
            }
            out.writeEndArray();
        } else if (value instanceof double[] doubles) {
            out.writeStartArray();
            for (double element : doubles) {
                write(out, element);
            }
            out.writeEndArray();
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object element : list) {
                write(out, element);
            }
            out.writeEndArray();
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void write(JsonGenerator out, double value) throws IOException {
        if (Double.isNaN(value)) {
            out.writeString("NaN");
        } else if (Double.isInfinite(value)) {
            out.writeString(value > 0 ? "Infinity" : "-Infinity");
        } else {
            out.writeNumber(value);
        }
    }

    /** One value as the output prints it: vectors dense, non-finite doubles as strings. */
    public static JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Double number) {
            return number(number);
        }
        if (value instanceof Float number) {
            return number(number.doubleValue());
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Vector vector) {
            ArrayNode array = NODES.arrayNode(vector.size());
            for (int i = 0; i < vector.size(); i++) {
                array.add(number(vector.get(i)));
            }
            return array;
        }
        if (value instanceof double[] doubles) {
            ArrayNode array = NODES.arrayNode(doubles.length);
            for (double element : doubles) {
                array.add(number(element));
            }
            return array;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode(list.size());
            for (Object element : list) {
                array.add(toJson(element));
            }
            return array;
        }
        throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }

    private static JsonNode number(double value) {
        if (Double.isNaN(value)) {
            return NODES.textNode("NaN");
        }
        if (Double.isInfinite(value)) {
            return NODES.textNode(value > 0 ? "Infinity" : "-Infinity");
        }
        return NODES.numberNode(value);
    }
}
