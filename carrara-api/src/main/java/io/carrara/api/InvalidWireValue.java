package io.carrara.api;

import static java.util.Objects.requireNonNull;

/**
 * A record read from the wire refuses a value it cannot hold. {@code field} is the path inside the
 * record ({@code uploader}, {@code training.seeds.split}); whoever reads the body (the server's JSON
 * reader) puts the record's own place in the request in front and answers a 400 naming the field.
 */
public final class InvalidWireValue extends IllegalArgumentException {
    private final String field;

    public InvalidWireValue(String field, String message) {
        super(requireNonNull(message, "message is null"));
        this.field = requireNonNull(field, "field is null");
    }

    public String field() {
        return field;
    }
}
