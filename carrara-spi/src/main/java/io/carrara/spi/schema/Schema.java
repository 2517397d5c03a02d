package io.carrara.spi.schema;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered list of uniquely named fields: the input a pipeline is compiled against, or the
 * columns it produces. {@code Schema.of(new Field("city", STRING), new Field("distance", DOUBLE))}.
 */
public final class Schema {
    private final List<Field> fields;
    private final Map<String, Integer> indexByName;

    public Schema(List<Field> fields) {
        this.fields = List.copyOf(requireNonNull(fields, "fields is null"));
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.fields.size(); i++) {
            if (index.putIfAbsent(this.fields.get(i).name(), i) != null) {
                throw new IllegalArgumentException("duplicate field " + this.fields.get(i).name());
            }
        }
        this.indexByName = Map.copyOf(index);
    }

    public static Schema of(Field... fields) {
        return new Schema(List.of(fields));
    }

    public List<Field> fields() {
        return fields;
    }

    public int size() {
        return fields.size();
    }

    public Optional<Field> field(String name) {
        Integer index = indexByName.get(name);
        return index == null ? Optional.empty() : Optional.of(fields.get(index));
    }

    /** Position of the field, or -1. */
    public int indexOf(String name) {
        return indexByName.getOrDefault(name, -1);
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(fields.size());
        fields.forEach(field -> names.add(field.name()));
        return names;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Schema schema && schema.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
