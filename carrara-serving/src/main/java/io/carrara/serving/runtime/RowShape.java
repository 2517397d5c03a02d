package io.carrara.serving.runtime;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.json.ValueKind;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The column kinds of a batch of rows given as Java values, read by {@link ValueKind} exactly as
 * {@code carrara score}'s {@link io.carrara.pipeline.json.JsonSchemaInference} reads JSON. Where rows
 * disagree the kind seen first wins and the other rows fail when scored, naming the column.
 *
 * <p>A shape is a cache key: equal shapes compile to the same pipeline, so columns are sorted by
 * name and a column that is null in every row keeps its own kind ({@link ValueKind#NONE}) for the
 * model to decide its type.
 */
record RowShape(List<String> names, List<ValueKind> kinds, boolean hasNonFiniteText) {
    RowShape {
        names = List.copyOf(requireNonNull(names, "names is null"));
        kinds = List.copyOf(requireNonNull(kinds, "kinds is null"));
    }

    static RowShape of(List<Map<String, Object>> rows) {
        Map<String, ValueKind> kinds = new TreeMap<>();
        boolean nonFinite = false;
        for (Map<String, Object> row : rows) {
            for (Map.Entry<String, Object> field : row.entrySet()) {
                ValueKind seen = ValueKind.of(field.getValue());
                nonFinite |= seen == ValueKind.NON_FINITE || seen == ValueKind.NUMBER_ARRAY && hasText(field.getValue());
                ValueKind known = kinds.get(field.getKey());
                if (known == null) {
                    kinds.put(field.getKey(), seen);
                } else {
                    ValueKind merged = ValueKind.merge(known, seen);
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
            if (kinds.get(i) == ValueKind.NONE) {
                fields.add(names.get(i));
            }
        }
        return fields;
    }

    /** The schema, reading null-only columns as {@code nullType}. */
    Schema schema(DataType nullType) {
        List<Field> fields = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            DataType type = kinds.get(i).dataType(nullType);
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
            Double special = ValueKind.nonFinite(text);
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
}
