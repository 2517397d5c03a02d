package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.schema.DataType;
import io.carrara.pipeline.schema.Field;
import java.util.OptionalInt;

/** A column bound to its slot in a {@link Frame}; what a compiled operation holds instead of a name. */
public record Column(String name, int slot, DataType type, OptionalInt vectorSize) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(vectorSize, "vectorSize is null");
        if (slot < 0) {
            throw new IllegalArgumentException("slot is negative: " + slot);
        }
    }

    public Field field() {
        return new Field(name, type, vectorSize);
    }
}
