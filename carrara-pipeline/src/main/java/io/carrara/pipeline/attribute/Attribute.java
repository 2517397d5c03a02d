package io.carrara.pipeline.attribute;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One ML attribute as Spark keeps it in a column's metadata ({@code org.apache.spark.ml.attribute}):
 * numeric, nominal (with its values or only their number) or binary, each with an optional name.
 * A scalar column has at most one; a vector column has one per slot. Summary statistics and
 * {@code isOrdinal}, which no scoring stage reads, are not kept.
 *
 * <pre>{@code
 * Attribute.nominal("city_index", List.of("nyc", "sf", "__unknown"));   // a StringIndexer output
 * Attribute.binary("city_nyc");                                         // a OneHotEncoder slot
 * }</pre>
 */
public record Attribute(Type type, Optional<String> name, Optional<List<String>> values, OptionalInt numValues) {
    /** Spark's attribute types; binary is both numeric and nominal in Spark, and counts as numeric where it matters. */
    public enum Type { NUMERIC, NOMINAL, BINARY }

    public Attribute {
        requireNonNull(type, "type is null");
        requireNonNull(name, "name is null");
        requireNonNull(values, "values is null");
        requireNonNull(numValues, "numValues is null");
        values = values.map(List::copyOf);
        if (name.isPresent() && name.get().isEmpty()) {
            throw new IllegalArgumentException("attribute name is empty");
        }
        if (values.isPresent() && numValues.isPresent()) {
            throw new IllegalArgumentException("an attribute has values or numValues, not both");
        }
        if (type == Type.NUMERIC && (values.isPresent() || numValues.isPresent())) {
            throw new IllegalArgumentException("a numeric attribute has no values");
        }
        if (type == Type.BINARY && (numValues.isPresent() || values.map(v -> v.size() != 2).orElse(false))) {
            throw new IllegalArgumentException("a binary attribute has two values or none: " + values);
        }
        if (numValues.isPresent() && numValues.getAsInt() < 0) {
            throw new IllegalArgumentException("numValues is negative: " + numValues.getAsInt());
        }
    }

    public static Attribute numeric(String name) {
        return new Attribute(Type.NUMERIC, Optional.of(name), Optional.empty(), OptionalInt.empty());
    }

    /** A numeric attribute without a name: what Spark fills in for a vector slot its metadata does not describe. */
    public static Attribute unnamedNumeric() {
        return new Attribute(Type.NUMERIC, Optional.empty(), Optional.empty(), OptionalInt.empty());
    }

    public static Attribute nominal(String name, List<String> values) {
        return new Attribute(Type.NOMINAL, Optional.of(name), Optional.of(values), OptionalInt.empty());
    }

    public static Attribute binary(String name) {
        return new Attribute(Type.BINARY, Optional.of(name), Optional.empty(), OptionalInt.empty());
    }

    public Attribute withName(String newName) {
        return new Attribute(type, Optional.of(newName), values, numValues);
    }

    /** Spark's {@code NominalAttribute.getNumValues}: the number of values of a nominal attribute, when known. */
    public OptionalInt valueCount() {
        if (type != Type.NOMINAL) {
            return OptionalInt.empty();
        }
        return numValues.isPresent() ? numValues : values.map(v -> OptionalInt.of(v.size())).orElse(OptionalInt.empty());
    }
}
