package io.carrara.pipeline;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.Frame;
import io.carrara.pipeline.stage.RowOperation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline bound to an input schema: an array of per-row operations over slots. Immutable and
 * thread-safe; each thread scores with its own {@link Frame}.
 *
 * <p>Typed hot path, no maps and no boxing:
 * <pre>{@code
 * CompiledPipeline pipeline = SparkPipeline.load(dir).compile(schema);
 * int city = pipeline.slot("city"), distance = pipeline.slot("distance");
 * int prediction = pipeline.slot("prediction");
 * Frame frame = pipeline.newFrame();                 // one per thread, reused
 * frame.clear();
 * frame.setObject(city, "nyc");
 * frame.setDouble(distance, 3.2);
 * if (pipeline.score(frame)) {                       // false: a skip stage dropped the row
 *     double label = frame.getDouble(prediction);
 * }
 * }</pre>
 */
public final class CompiledPipeline implements Scorer {
    private final Schema inputSchema;
    private final Schema outputSchema;
    private final int slotCount;
    private final Map<String, Integer> slotByName;
    private final Column[] added;
    private final List<String> droppedInputs;
    private final RowOperation[] operations;

    /** {@code columns} are the visible columns in output order; {@code slotCount} counts dropped ones too. */
    CompiledPipeline(Schema inputSchema, List<Column> columns, int slotCount, RowOperation[] operations) {
        this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
        this.operations = operations.clone();
        this.slotCount = slotCount;
        this.outputSchema = new Schema(columns.stream().map(Column::field).toList());
        Map<String, Integer> slots = new HashMap<>();
        columns.forEach(column -> slots.put(column.name(), column.slot()));
        this.slotByName = Map.copyOf(slots);
        int inputCount = inputSchema.size();
        this.added = columns.stream().filter(column -> column.slot() >= inputCount).toArray(Column[]::new);
        this.droppedInputs = inputSchema.names().stream().filter(name -> {
            Integer slot = slots.get(name);
            return slot == null || slot >= inputCount;
        }).toList();
    }

    @Override
    public Schema inputSchema() {
        return inputSchema;
    }

    @Override
    public Schema outputSchema() {
        return outputSchema;
    }

    /** The columns the pipeline adds and keeps, in order. */
    public List<Field> addedFields() {
        List<Field> fields = new ArrayList<>(added.length);
        for (Column column : added) {
            fields.add(column.field());
        }
        return fields;
    }

    /** The slot of an input or output column; resolve once, outside the scoring loop. */
    public int slot(String column) {
        Integer slot = slotByName.get(column);
        if (slot == null) {
            throw new ModelException(PipelineErrorCode.SCHEMA_MISMATCH, "no column '" + column + "'; columns: " + outputSchema.names());
        }
        return slot;
    }

    public Frame newFrame() {
        return new Frame(slotCount);
    }

    /**
     * Runs every stage over a frame whose input slots are set. Returns {@code false} when a stage
     * with {@code handleInvalid=skip} drops the row; throws {@link RowException} when Spark would fail it.
     */
    public boolean score(Frame frame) {
        for (RowOperation operation : operations) {
            if (!operation.apply(frame)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Optional<Map<String, Object>> score(Map<String, Object> row) {
        requireNonNull(row, "row is null");
        return score(row, newFrame());
    }

    @Override
    public List<RowResult> scoreAll(List<Map<String, Object>> rows) {
        requireNonNull(rows, "rows is null");
        Frame frame = newFrame();
        List<RowResult> results = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            frame.clear();
            try {
                results.add(score(row, frame).map(RowResult::scored).orElseGet(RowResult::skipped));
            } catch (RowException e) {
                results.add(RowResult.failed(e));
            }
        }
        return results;
    }

    private Optional<Map<String, Object>> score(Map<String, Object> row, Frame frame) {
        List<Field> inputs = inputSchema.fields();
        for (int slot = 0; slot < inputs.size(); slot++) {
            Field field = inputs.get(slot);
            setInput(frame, slot, field, row.get(field.name()));
        }
        if (!score(frame)) {
            return Optional.empty();
        }
        Map<String, Object> output = new LinkedHashMap<>(row);
        // A stage such as RFormula's ColumnPruner may have removed an input column from Spark's output.
        droppedInputs.forEach(output::remove);
        for (Column column : added) {
            output.put(column.name(), outputValue(frame, column));
        }
        return Optional.of(output);
    }

    private static void setInput(Frame frame, int slot, Field field, Object value) {
        if (value == null) {
            frame.setNull(slot);
            return;
        }
        DataType type = field.type();
        if (type.isNumeric()) {
            if (value instanceof Number number && type != DataType.BOOLEAN) {
                frame.setDouble(slot, number.doubleValue());
            } else if (value instanceof Boolean bool && type == DataType.BOOLEAN) {
                frame.setDouble(slot, bool ? 1.0 : 0.0);
            } else {
                throw wrongType(field, value);
            }
            return;
        }
        switch (type) {
            case STRING -> {
                if (!(value instanceof String)) {
                    throw wrongType(field, value);
                }
                frame.setObject(slot, value);
            }
            case VECTOR -> frame.setObject(slot, toVector(field, value));
            case STRING_ARRAY -> frame.setObject(slot, toStrings(field, value));
            case DOUBLE_ARRAY -> frame.setObject(slot, toDoubles(field, value));
            case VECTOR_ARRAY -> frame.setObject(slot, toVectors(field, value));
            default -> throw wrongType(field, value);
        }
    }

    private static Vector toVector(Field field, Object value) {
        if (value instanceof Vector vector) {
            return vector;
        }
        return new DenseVector(toDoubles(field, value));
    }

    private static List<Vector> toVectors(Field field, Object value) {
        if (!(value instanceof List<?> list)) {
            throw wrongType(field, value);
        }
        List<Vector> vectors = new ArrayList<>(list.size());
        for (Object element : list) {
            vectors.add(element == null ? null : toVector(field, element));
        }
        return Collections.unmodifiableList(vectors);
    }

    private static double[] toDoubles(Field field, Object value) {
        if (value instanceof double[] doubles) {
            return doubles.clone();
        }
        if (value instanceof List<?> list) {
            double[] doubles = new double[list.size()];
            for (int i = 0; i < doubles.length; i++) {
                if (!(list.get(i) instanceof Number number)) {
                    throw wrongType(field, value);
                }
                doubles[i] = number.doubleValue();
            }
            return doubles;
        }
        throw wrongType(field, value);
    }

    private static List<String> toStrings(Field field, Object value) {
        List<?> list = value instanceof String[] array ? List.of((Object[]) array) : value instanceof List<?> l ? l : null;
        if (list == null) {
            throw wrongType(field, value);
        }
        List<String> strings = new ArrayList<>(list.size());
        for (Object element : list) {
            if (element != null && !(element instanceof String)) {
                throw wrongType(field, value);
            }
            strings.add((String) element);
        }
        return Collections.unmodifiableList(strings);
    }

    private static RowException wrongType(Field field, Object value) {
        String expected = switch (field.type()) {
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case VECTOR, DOUBLE_ARRAY -> "an array of numbers";
            case VECTOR_ARRAY -> "an array of arrays of numbers";
            case STRING_ARRAY -> "an array of strings";
            default -> "a number";
        };
        return new RowException(field.name(), "column " + field.name() + " expects " + expected + ", got "
                + kindOf(value) + " '" + quoted(value) + "'; send " + expected + " or null");
    }

    /** What a value is, in the words of the JSON a client sent, not a Java class name. */
    private static String kindOf(Object value) {
        if (value instanceof CharSequence) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof java.util.Map) {
            return "an object";
        }
        return value instanceof java.util.Collection || value.getClass().isArray() ? "an array" : "a value";
    }

    /** The value as quoted back in an error, cut so that a row error stays small. */
    private static String quoted(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    private static Object outputValue(Frame frame, Column column) {
        if (frame.isNull(column.slot())) {
            return null;
        }
        DataType type = column.type();
        if (!type.isNumeric()) {
            return frame.getObject(column.slot());
        }
        double value = frame.getDouble(column.slot());
        return switch (type) {
            case BOOLEAN -> value != 0.0;
            case INTEGER -> (int) value;
            case SHORT -> (short) value;
            case BYTE -> (byte) value;
            case LONG -> (long) value;
            case FLOAT -> (float) value;
            default -> value;
        };
    }
}
