package io.carrara.pipeline.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
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
    private final Map<String, DataType> declared;
    private final Map<String, ValueKind> kinds = new LinkedHashMap<>();
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
                kinds.putIfAbsent(name, ValueKind.NONE);
                continue;
            }
            ValueKind seen = ValueKind.of(JsonRows.plainValue(field.getValue()));
            ValueKind known = kinds.get(name);
            if (known == null) {
                kinds.put(name, seen);
                firstLines.put(name, line);
                continue;
            }
            ValueKind merged = ValueKind.merge(known, seen);
            if (merged == null) {
                // The first type wins; the rows that disagree fail one by one, naming the column.
                conflicts.putIfAbsent(name, "field '" + name + "' is " + known.description() + " on line " + firstLines.get(name)
                        + " and " + seen.description() + " on line " + line);
                continue;
            }
            if (known == ValueKind.NONE && merged != ValueKind.NONE) {
                firstLines.put(name, line);
            }
            kinds.put(name, merged);
        }
    }

    /** The fields seen, in the order first seen, typed. */
    public Schema schema() {
        List<Field> fields = new ArrayList<>();
        kinds.forEach((name, kind) -> {
            DataType type = declared.containsKey(name) ? declared.get(name) : kind.dataType(DataType.STRING);
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
        return kinds.entrySet().stream().filter(entry -> entry.getValue() == ValueKind.NONE && !declared.containsKey(entry.getKey()))
                .map(Map.Entry::getKey).toList();
    }
}
