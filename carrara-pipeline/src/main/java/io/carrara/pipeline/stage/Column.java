package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.attribute.ColumnAttributes;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.util.OptionalInt;

/**
 * A column bound to its slot in a {@link Frame}; what a compiled operation holds instead of a name.
 * {@code attributes} is the ML attribute metadata Spark would give the column, known at compile time.
 */
public record Column(String name, int slot, DataType type, OptionalInt vectorSize, ColumnAttributes attributes) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(vectorSize, "vectorSize is null");
        requireNonNull(attributes, "attributes is null");
        if (slot < 0) {
            throw new IllegalArgumentException("slot is negative: " + slot);
        }
        if (attributes.slotAttributes().isPresent()
                && (type != DataType.VECTOR || vectorSize.isEmpty() || vectorSize.getAsInt() != attributes.slotAttributes().get().size())) {
            throw new IllegalArgumentException("column " + name + " has " + attributes.slotAttributes().get().size()
                    + " slot attributes for vector size " + vectorSize);
        }
        if (attributes.attribute().isPresent() && !type.isNumeric()) {
            throw new IllegalArgumentException("column " + name + " is " + type + "; only numeric columns carry a scalar attribute");
        }
    }

    public Column(String name, int slot, DataType type, OptionalInt vectorSize) {
        this(name, slot, type, vectorSize, ColumnAttributes.unknown());
    }

    public Field field() {
        return new Field(name, type, vectorSize);
    }
}
