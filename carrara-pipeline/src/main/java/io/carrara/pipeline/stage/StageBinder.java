package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.schema.DataType;
import io.carrara.pipeline.schema.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The schema a stage compiles against: the columns available so far, each at a slot. A stage
 * asks for its inputs by name and type and declares its outputs; mistakes are model errors naming
 * the stage and the column, raised at compile time rather than on the first row.
 */
public final class StageBinder {
    private final List<Column> columns = new ArrayList<>();
    private final Map<String, Column> byName = new HashMap<>();
    private final Map<String, List<String>> nominalValues = new HashMap<>();
    private String stage = "input";

    public StageBinder(List<Field> inputFields) {
        requireNonNull(inputFields, "inputFields is null");
        for (Field field : inputFields) {
            add(field.name(), field.type(), field.vectorSize());
        }
    }

    /** Called by the compiler before each stage so errors name it. */
    public void enterStage(String description) {
        this.stage = requireNonNull(description, "description is null");
    }

    public String stage() {
        return stage;
    }

    public List<Column> columns() {
        return List.copyOf(columns);
    }

    public int slotCount() {
        return columns.size();
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

    public Column output(String name, DataType type) {
        return output(name, type, OptionalInt.empty());
    }

    public Column vectorOutput(String name, int size) {
        return output(name, DataType.VECTOR, OptionalInt.of(size));
    }

    public Column vectorOutput(String name, OptionalInt size) {
        return output(name, DataType.VECTOR, size);
    }

    private Column output(String name, DataType type, OptionalInt vectorSize) {
        if (name == null || name.isEmpty()) {
            throw mismatch("output column name is empty");
        }
        if (byName.containsKey(name)) {
            throw mismatch("output column '" + name + "' already exists");
        }
        return add(name, type, vectorSize);
    }

    private Column add(String name, DataType type, OptionalInt vectorSize) {
        Column column = new Column(name, columns.size(), type, vectorSize);
        columns.add(column);
        byName.put(name, column);
        return column;
    }

    /**
     * Records a vector column's size in place, as Spark's VectorSizeHint rewrites the column's
     * attribute metadata without adding a column.
     */
    public Column declareVectorSize(Column column, int size) {
        Column sized = new Column(column.name(), column.slot(), DataType.VECTOR, java.util.OptionalInt.of(size));
        columns.set(column.slot(), sized);
        byName.put(column.name(), sized);
        return sized;
    }

    /**
     * Records the category names of a column, as Spark's nominal attribute metadata does for a
     * StringIndexer output, so a later stage (IndexToString) can map indices back to labels.
     */
    public void declareNominalValues(Column column, List<String> values) {
        nominalValues.put(column.name(), List.copyOf(values));
    }

    public java.util.Optional<List<String>> nominalValues(Column column) {
        return java.util.Optional.ofNullable(nominalValues.get(column.name()));
    }

    public ModelException mismatch(String message) {
        return new ModelException(PipelineErrorCode.SCHEMA_MISMATCH, stage, message);
    }

    public ModelException invalid(String message) {
        return new ModelException(PipelineErrorCode.STAGE_INVALID, stage, message);
    }
}
