package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.attribute.Attribute;
import io.carrara.pipeline.attribute.ColumnAttributes;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The schema a stage compiles against: the columns available so far, each at a slot, with the ML
 * attributes Spark would attach to them. A stage asks for its inputs by name and type and declares
 * its outputs; mistakes are model errors naming the stage and the column, raised at compile time
 * rather than on the first row. A stage may also drop columns or move one to the end, as Spark's
 * {@code select} does: a slot, once given, stays in the frame, but a dropped column is no longer
 * visible to later stages nor in the pipeline's output.
 */
public final class StageBinder {
    private final List<Column> slots = new ArrayList<>();
    private final List<String> visible = new ArrayList<>();
    private final Map<String, Column> byName = new HashMap<>();
    private String stage = "input";

    /** Input columns carry no ML attributes, as a DataFrame read from files has none. */
    public StageBinder(List<Field> inputFields) {
        requireNonNull(inputFields, "inputFields is null");
        for (Field field : inputFields) {
            add(field.name(), field.type(), field.vectorSize(), ColumnAttributes.none());
        }
    }

    /** Called by the compiler before each stage so errors name it. */
    public void enterStage(String description) {
        this.stage = requireNonNull(description, "description is null");
    }

    public String stage() {
        return stage;
    }

    /** The visible columns in Spark's order: what a stage may read and what the pipeline outputs. */
    public List<Column> columns() {
        return visible.stream().map(byName::get).toList();
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Slots a frame needs, counting those of dropped columns. */
    public int slotCount() {
        return slots.size();
    }

    /** An existing column of one of the accepted types. */
    public Column input(String name, DataType... accepted) {
        Column column = byName.get(name);
        if (column == null) {
            throw mismatch("input column '" + name + "' does not exist; available columns: " + byName.keySet().stream().sorted().toList());
        }
        if (accepted.length > 0 && Arrays.stream(accepted).noneMatch(type -> type == column.type())) {
            throw mismatch("input column '" + name + "' is " + column.type() + ", expected "
                    + Arrays.stream(accepted).map(DataType::name).collect(Collectors.joining(" or ")));
        }
        return column;
    }

    /** An existing numeric column (booleans and integers count, as Spark casts them to double). */
    public Column numericInput(String name) {
        Column column = input(name);
        if (!column.type().isNumeric()) {
            throw mismatch("input column '" + name + "' is " + column.type() + ", expected a numeric column");
        }
        return column;
    }

    /** A new scalar column whose ML attribute the runtime does not model. */
    public Column output(String name, DataType type) {
        return output(name, type, OptionalInt.empty(), ColumnAttributes.unknown());
    }

    /** A new scalar column with the attribute Spark gives it. */
    public Column output(String name, DataType type, Attribute attribute) {
        return output(name, type, OptionalInt.empty(), ColumnAttributes.scalar(attribute));
    }

    public Column vectorOutput(String name, int size) {
        return output(name, DataType.VECTOR, OptionalInt.of(size), ColumnAttributes.unknown());
    }

    public Column vectorOutput(String name, OptionalInt size) {
        return output(name, DataType.VECTOR, size, ColumnAttributes.unknown());
    }

    /** A new vector column with one attribute per slot, as Spark's attribute group describes it. */
    public Column vectorOutput(String name, List<Attribute> slotAttributes) {
        return output(name, DataType.VECTOR, OptionalInt.of(slotAttributes.size()), ColumnAttributes.slots(slotAttributes));
    }

    /** A new vector column of the given size (when known) and attributes. */
    public Column vectorOutput(String name, OptionalInt size, ColumnAttributes attributes) {
        return output(name, DataType.VECTOR, size, attributes);
    }

    private Column output(String name, DataType type, OptionalInt vectorSize, ColumnAttributes attributes) {
        if (name == null || name.isEmpty()) {
            throw mismatch("output column name is empty");
        }
        if (byName.containsKey(name)) {
            throw mismatch("output column '" + name + "' already exists");
        }
        return add(name, type, vectorSize, attributes);
    }

    private Column add(String name, DataType type, OptionalInt vectorSize, ColumnAttributes attributes) {
        Column column = new Column(name, slots.size(), type, vectorSize, attributes);
        slots.add(column);
        visible.add(name);
        byName.put(name, column);
        return column;
    }

    private Column replace(Column column, OptionalInt vectorSize, ColumnAttributes attributes) {
        Column current = input(column.name());
        Column replaced = new Column(current.name(), current.slot(), current.type(), vectorSize, attributes);
        slots.set(current.slot(), replaced);
        byName.put(current.name(), replaced);
        return replaced;
    }

    /**
     * Records a vector column's size in place, as Spark's VectorSizeHint rewrites the column's
     * attribute metadata without adding a column; a column whose size is already known keeps its
     * attributes, as Spark keeps the existing group.
     */
    public Column declareVectorSize(Column column, int size) {
        Column current = input(column.name(), DataType.VECTOR);
        if (current.vectorSize().isPresent() && current.vectorSize().getAsInt() == size) {
            return current;
        }
        return replace(current, OptionalInt.of(size), ColumnAttributes.none());
    }

    /** Replaces a column's attributes in place, as a Spark stage that re-aliases a column with new metadata does. */
    public Column declareAttributes(Column column, ColumnAttributes attributes) {
        Column current = input(column.name());
        OptionalInt size = attributes.slotAttributes().map(list -> OptionalInt.of(list.size())).orElse(current.vectorSize());
        return replace(current, size, attributes);
    }

    /** Removes a column from view, as a Spark {@code select} without it does; its slot stays in the frame. */
    public void drop(String name) {
        if (byName.remove(name) != null) {
            visible.remove(name);
        }
    }

    /** Moves a column to the end of the visible columns, as a Spark {@code select(others :+ column)} does. */
    public void moveToEnd(String name) {
        input(name);
        visible.remove(name);
        visible.add(name);
    }

    public ModelException mismatch(String message) {
        return new ModelException(PipelineErrorCode.SCHEMA_MISMATCH, stage, message);
    }

    public ModelException invalid(String message) {
        return new ModelException(PipelineErrorCode.STAGE_INVALID, stage, message);
    }
}
