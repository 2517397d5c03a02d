package io.carrara.python;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * Rows of Java values to one Arrow IPC stream of the declared inputs, and the worker's answer back to
 * per-row maps of the declared outputs (docs/python-models.md, the worker protocol). Built once per model.
 */
final class ArrowCodec {
    /** The element type of a column on the wire. */
    enum Element {
        BOOL, INT32, INT64, FLOAT32, FLOAT64, UTF8;

        ArrowType arrowType() {
            return switch (this) {
                case BOOL -> ArrowType.Bool.INSTANCE;
                case INT32 -> new ArrowType.Int(32, true);
                case INT64 -> new ArrowType.Int(64, true);
                case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
                case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
                case UTF8 -> ArrowType.Utf8.INSTANCE;
            };
        }

        String describe() {
            return switch (this) {
                case BOOL -> "a boolean";
                case INT32 -> "a 32-bit whole number";
                case INT64 -> "a 64-bit whole number";
                case FLOAT32, FLOAT64 -> "a number";
                case UTF8 -> "a string";
            };
        }
    }

    /** One declared column as the codec handles it. */
    record Slot(String name, Element element, boolean list, int valuesPerRow, boolean tensor, String declared) {}

    /** A row refused before it reaches the worker. */
    static final class RowError extends Exception {
        private static final long serialVersionUID = 1L;
        final String column;

        RowError(String column, String message) {
            super(message, null, false, false);
            this.column = column;
        }
    }

    private final List<Slot> inputs;
    private final List<Slot> outputs;
    private final Schema inputSchema;

    ArrowCodec(ModelHome home) {
        this.inputs = slots(home, home.inputs());
        this.outputs = slots(home, home.outputs());
        List<Field> fields = new ArrayList<>();
        for (Slot slot : inputs) {
            fields.add(field(slot));
        }
        this.inputSchema = new Schema(fields);
    }

    List<Slot> inputs() {
        return inputs;
    }

    private static List<Slot> slots(ModelHome home, List<ModelHome.Column> columns) {
        List<Slot> slots = new ArrayList<>();
        for (ModelHome.Column column : columns) {
            if (home.kind() == ModelHome.Kind.DATAFRAME) {
                slots.add(switch (column.type()) {
                    case "boolean" -> new Slot(column.name(), Element.BOOL, false, 1, false, column.type());
                    case "int" -> new Slot(column.name(), Element.INT32, false, 1, false, column.type());
                    case "bigint" -> new Slot(column.name(), Element.INT64, false, 1, false, column.type());
                    case "float" -> new Slot(column.name(), Element.FLOAT32, false, 1, false, column.type());
                    case "double" -> new Slot(column.name(), Element.FLOAT64, false, 1, false, column.type());
                    case "string" -> new Slot(column.name(), Element.UTF8, false, 1, false, column.type());
                    case "array<double>" -> new Slot(column.name(), Element.FLOAT64, true, -1, false, column.type());
                    case "array<string>" -> new Slot(column.name(), Element.UTF8, true, -1, false, column.type());
                    default -> throw new IllegalStateException("unchecked type " + column.type());
                });
            } else {
                Element element = switch (column.type()) {
                    case "BOOL" -> Element.BOOL;
                    case "INT32" -> Element.INT32;
                    case "INT64" -> Element.INT64;
                    case "FP32" -> Element.FLOAT32;
                    case "FP64" -> Element.FLOAT64;
                    case "BYTES" -> Element.UTF8;
                    default -> throw new IllegalStateException("unchecked datatype " + column.type());
                };
                boolean list = !column.isScalarTensor();
                slots.add(new Slot(column.name(), element, list, list ? column.valuesPerRow() : 1, true,
                        column.type() + column.shape()));
            }
        }
        return List.copyOf(slots);
    }

    private static Field field(Slot slot) {
        if (!slot.list()) {
            return new Field(slot.name(), FieldType.nullable(slot.element().arrowType()), null);
        }
        Field item = new Field("item", FieldType.nullable(slot.element().arrowType()), null);
        return new Field(slot.name(), FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
    }

    /**
     * The row's values in declared input order, checked and converted; a {@link RowError} names the first
     * column that is missing or holds a value of the wrong kind.
     */
    Object[] convertRow(Map<String, Object> row) throws RowError {
        Object[] values = new Object[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Slot slot = inputs.get(i);
            if (!row.containsKey(slot.name())) {
                throw new RowError(slot.name(), "the row has no column " + slot.name() + " (" + slot.declared()
                        + "); the model's inputs are " + String.join(", ", inputs.stream().map(Slot::name).toList()));
            }
            Object value = row.get(slot.name());
            if (value == null) {
                if (slot.tensor()) {
                    throw new RowError(slot.name(), "column " + slot.name() + " is null; a tensor input needs a value in every row");
                }
                continue;
            }
            if (!slot.list()) {
                values[i] = scalar(slot, value, "");
                continue;
            }
            List<Object> flat = new ArrayList<>();
            if (!flatten(value, flat, slot.tensor())) {
                throw new RowError(slot.name(), "column " + slot.name() + " must be a list of " + plural(slot.element())
                        + " (" + slot.declared() + "), not " + describe(value));
            }
            if (slot.valuesPerRow() >= 0 && flat.size() != slot.valuesPerRow()) {
                throw new RowError(slot.name(), "column " + slot.name() + " holds " + flat.size() + " values; its shape "
                        + slot.declared() + " needs " + slot.valuesPerRow() + " a row");
            }
            List<Object> converted = new ArrayList<>(flat.size());
            for (int j = 0; j < flat.size(); j++) {
                Object element = flat.get(j);
                if (element == null && slot.tensor()) {
                    throw new RowError(slot.name(), "column " + slot.name() + " holds a null at position " + j
                            + "; a tensor's values are never null");
                }
                converted.add(element == null ? null : scalar(slot, element, " at position " + j));
            }
            values[i] = converted;
        }
        return values;
    }

    /** One Arrow IPC stream (schema + one record batch) of the converted rows. */
    byte[] encode(List<Object[]> rows, BufferAllocator allocator) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(inputSchema, allocator)) {
            // Buffers for the rows at hand, not Arrow's default of several thousand values a vector: a
            // one-row request would otherwise allocate (and zero) some hundred kilobytes per call.
            for (FieldVector vector : root.getFieldVectors()) {
                vector.setInitialCapacity(Math.max(1, rows.size()));
            }
            root.allocateNew();
            for (int c = 0; c < inputs.size(); c++) {
                Slot slot = inputs.get(c);
                FieldVector vector = root.getVector(c);
                for (int r = 0; r < rows.size(); r++) {
                    Object value = rows.get(r)[c];
                    if (slot.list()) {
                        ListVector list = (ListVector) vector;
                        if (value == null) {
                            list.setNull(r);
                            continue;
                        }
                        List<?> elements = (List<?>) value;
                        int offset = list.startNewValue(r);
                        FieldVector data = (FieldVector) list.getDataVector();
                        for (int j = 0; j < elements.size(); j++) {
                            setScalar(data, slot.element(), offset + j, elements.get(j));
                        }
                        list.endValue(r, elements.size());
                    } else {
                        setScalar(vector, slot.element(), r, value);
                    }
                }
                vector.setValueCount(rows.size());
            }
            root.setRowCount(rows.size());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an Arrow stream in memory", e);
        }
    }

    /** The worker's answer as one map per row, declared outputs in declared order. */
    List<Map<String, Object>> decode(byte[] answer, int expectedRows, BufferAllocator allocator) throws IOException {
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(answer), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<Map<String, Object>> rows = new ArrayList<>(expectedRows);
            for (int r = 0; r < expectedRows; r++) {
                rows.add(new LinkedHashMap<>());
            }
            int seen = 0;
            while (reader.loadNextBatch()) {
                int count = root.getRowCount();
                if (seen + count > expectedRows) {
                    throw new IOException("the worker answered more rows than the " + expectedRows + " it was sent");
                }
                for (Slot slot : outputs) {
                    FieldVector vector = root.getVector(slot.name());
                    if (vector == null) {
                        throw new IOException("the worker's answer has no output column " + slot.name());
                    }
                    for (int r = 0; r < count; r++) {
                        rows.get(seen + r).put(slot.name(), javaValue(vector.getObject(r)));
                    }
                }
                seen += count;
            }
            if (seen != expectedRows) {
                throw new IOException("the worker answered " + seen + " rows for the " + expectedRows + " it was sent");
            }
            return rows;
        }
    }

    private static Object javaValue(Object value) {
        if (value instanceof Text text) {
            return text.toString();
        }
        if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>(list.size());
            for (Object element : list) {
                converted.add(javaValue(element));
            }
            return java.util.Collections.unmodifiableList(converted);
        }
        return value;
    }

    private static void setScalar(FieldVector vector, Element element, int index, Object value) {
        if (value == null) {
            setNull(vector, index);
            return;
        }
        switch (element) {
            case BOOL -> ((BitVector) vector).setSafe(index, (Boolean) value ? 1 : 0);
            case INT32 -> ((IntVector) vector).setSafe(index, (Integer) value);
            case INT64 -> ((BigIntVector) vector).setSafe(index, (Long) value);
            case FLOAT32 -> ((Float4Vector) vector).setSafe(index, (Float) value);
            case FLOAT64 -> ((Float8Vector) vector).setSafe(index, (Double) value);
            case UTF8 -> ((VarCharVector) vector).setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void setNull(FieldVector vector, int index) {
        // setNull does not grow the buffers as setSafe does; a list's values may outnumber the rows.
        while (index >= vector.getValueCapacity()) {
            vector.reAlloc();
        }
        if (vector instanceof BitVector v) {
            v.setNull(index);
        } else if (vector instanceof IntVector v) {
            v.setNull(index);
        } else if (vector instanceof BigIntVector v) {
            v.setNull(index);
        } else if (vector instanceof Float4Vector v) {
            v.setNull(index);
        } else if (vector instanceof Float8Vector v) {
            v.setNull(index);
        } else if (vector instanceof VarCharVector v) {
            v.setNull(index);
        }
    }

    private static Object scalar(Slot slot, Object value, String where) throws RowError {
        Object converted = switch (slot.element()) {
            case BOOL -> value instanceof Boolean ? value : null;
            case INT32 -> {
                Long whole = whole(value);
                yield whole != null && whole >= Integer.MIN_VALUE && whole <= Integer.MAX_VALUE ? Integer.valueOf(whole.intValue()) : null;
            }
            case INT64 -> whole(value);
            case FLOAT32 -> value instanceof Number number && !(value instanceof Boolean) ? Float.valueOf(number.floatValue()) : null;
            case FLOAT64 -> value instanceof Number number ? Double.valueOf(number.doubleValue()) : null;
            case UTF8 -> value instanceof String || value instanceof Character ? value.toString() : null;
        };
        if (converted == null) {
            throw new RowError(slot.name(), "column " + slot.name() + where + " must be " + slot.element().describe()
                    + " (" + slot.declared() + "), not " + describe(value));
        }
        return converted;
    }

    /** A whole number as a long: integral types, BigInteger/BigDecimal and doubles with no fraction, in range. */
    private static Long whole(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : null;
        }
        if (value instanceof BigDecimal decimal) {
            try {
                return decimal.longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return d == Math.rint(d) && Math.abs(d) <= 9.007199254740992E15 ? (long) d : null;
        }
        return null;
    }

    /** Appends the leaves of a (possibly nested, for tensors) list or array; false when value is no list. */
    private static boolean flatten(Object value, List<Object> into, boolean nested) {
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (nested && (element instanceof List<?> || element instanceof double[] || element instanceof float[]
                        || element instanceof long[] || element instanceof int[])) {
                    flatten(element, into, true);
                } else {
                    into.add(element);
                }
            }
            return true;
        }
        if (value instanceof double[] array) {
            for (double d : array) {
                into.add(d);
            }
            return true;
        }
        if (value instanceof float[] array) {
            for (float f : array) {
                into.add(f);
            }
            return true;
        }
        if (value instanceof long[] array) {
            for (long l : array) {
                into.add(l);
            }
            return true;
        }
        if (value instanceof int[] array) {
            for (int i : array) {
                into.add(i);
            }
            return true;
        }
        if (value instanceof Object[] array) {
            return flatten(java.util.Arrays.asList(array), into, nested);
        }
        return false;
    }

    private static String plural(Element element) {
        return switch (element) {
            case BOOL -> "booleans";
            case INT32, INT64 -> "whole numbers";
            case FLOAT32, FLOAT64 -> "numbers";
            case UTF8 -> "strings";
        };
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        String type = value instanceof String ? "the string" : value instanceof Boolean ? "the boolean"
                : value instanceof Number ? "the number" : value instanceof List<?> ? "the list" : "a " + value.getClass().getSimpleName();
        return type + " " + (value instanceof String ? "\"" + text + "\"" : text);
    }
}
