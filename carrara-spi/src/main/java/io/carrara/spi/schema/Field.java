package io.carrara.spi.schema;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/**
 * A named, typed column. {@code vectorSize} is what Spark keeps in a vector column's ML attribute
 * metadata: known for the outputs of fitted stages, unknown for raw input vectors unless declared.
 */
public record Field(String name, DataType type, OptionalInt vectorSize) {
    public Field {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(vectorSize, "vectorSize is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is empty");
        }
        if (vectorSize.isPresent() && (type != DataType.VECTOR || vectorSize.getAsInt() < 0)) {
            throw new IllegalArgumentException("vectorSize applies to VECTOR columns and is not negative: " + name);
        }
    }

    public Field(String name, DataType type) {
        this(name, type, OptionalInt.empty());
    }

    public static Field vector(String name, int size) {
        return new Field(name, DataType.VECTOR, OptionalInt.of(size));
    }
}
