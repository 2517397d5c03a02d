package io.carrara.registry.search;

import java.util.Optional;

/** The keys that name a property every instance has, such as {@code version} or {@code created_at}. */
public enum InstanceField implements Key {
    MODEL("model", ValueType.TEXT),
    PROJECT("project", ValueType.TEXT),
    ID("id", ValueType.TEXT),
    VERSION("version", ValueType.WHOLE_NUMBER),
    CREATED_AT("created_at", ValueType.TIMESTAMP),
    CREATED_BY("created_by", ValueType.TEXT),
    FORMAT("format", ValueType.TEXT),
    DEPRECATED("deprecated", ValueType.BOOLEAN);

    /** What a literal compared with the field must be. */
    public enum ValueType {
        TEXT,
        WHOLE_NUMBER,
        TIMESTAMP,
        BOOLEAN
    }

    private final String text;
    private final ValueType valueType;

    InstanceField(String text, ValueType valueType) {
        this.text = text;
        this.valueType = valueType;
    }

    @Override
    public String text() {
        return text;
    }

    public ValueType valueType() {
        return valueType;
    }

    /** The field written as {@code text} in any letter case, if there is one. */
    public static Optional<InstanceField> fromText(String text) {
        for (InstanceField field : values()) {
            if (field.text.equalsIgnoreCase(text)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }
}
