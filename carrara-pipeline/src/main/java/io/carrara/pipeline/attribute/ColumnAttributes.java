package io.carrara.pipeline.attribute;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What the runtime knows at compile time of the ML attribute metadata Spark would attach to a
 * column: {@link #unknown()} when the producing stage's attributes are not modelled (a stage that
 * reads attributes then refuses the pipeline rather than guess), {@link #none()} when Spark keeps
 * none (raw input columns, a vector with at most its size), one {@link #scalar(Attribute)}, or one
 * attribute per vector slot ({@link #slots(List)}). Compile time only: nothing of it is read per row.
 */
public record ColumnAttributes(Knowledge knowledge, Optional<Attribute> attribute, Optional<List<Attribute>> slotAttributes) {
    public enum Knowledge { UNKNOWN, NONE, SCALAR, SLOTS }

    private static final ColumnAttributes UNKNOWN = new ColumnAttributes(Knowledge.UNKNOWN, Optional.empty(), Optional.empty());
    private static final ColumnAttributes NONE = new ColumnAttributes(Knowledge.NONE, Optional.empty(), Optional.empty());

    public ColumnAttributes {
        requireNonNull(knowledge, "knowledge is null");
        requireNonNull(attribute, "attribute is null");
        requireNonNull(slotAttributes, "slotAttributes is null");
        slotAttributes = slotAttributes.map(List::copyOf);
        if (attribute.isPresent() != (knowledge == Knowledge.SCALAR) || slotAttributes.isPresent() != (knowledge == Knowledge.SLOTS)) {
            throw new IllegalArgumentException(knowledge + " attributes with attribute=" + attribute + " slots=" + slotAttributes);
        }
    }

    public static ColumnAttributes unknown() {
        return UNKNOWN;
    }

    public static ColumnAttributes none() {
        return NONE;
    }

    public static ColumnAttributes scalar(Attribute attribute) {
        return new ColumnAttributes(Knowledge.SCALAR, Optional.of(attribute), Optional.empty());
    }

    public static ColumnAttributes slots(List<Attribute> attributes) {
        return new ColumnAttributes(Knowledge.SLOTS, Optional.empty(), Optional.of(attributes));
    }

    public boolean isKnown() {
        return knowledge != Knowledge.UNKNOWN;
    }
}
