package io.carrara.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * An outcome key's value as Carrara compares keys, wherever they come from (a logged input, an outcome, a batch table's
 * row): one definition for the server's matching of keyed outcomes and the CLI's loads and skew reports.
 */
public final class OutcomeKeys {
    /** The longest outcome key value. */
    public static final int MAX_LENGTH = 256;

    private OutcomeKeys() {
    }

    /**
     * A text as it is, an integral number as its digits ({@code 42} and {@code 42.0} are both {@code "42"}), another
     * number as Java writes it; empty for anything else (null, absent, a boolean, an array or object) and for a value
     * over {@value #MAX_LENGTH} characters.
     */
    public static Optional<String> text(JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        String text = null;
        if (value.isTextual()) {
            text = value.textValue();
        } else if (value.isIntegralNumber()) {
            text = value.bigIntegerValue().toString();
        } else if (value.isNumber()) {
            double number = value.doubleValue();
            text = number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number) : Double.toString(number);
        }
        return text == null || text.isEmpty() || text.length() > MAX_LENGTH ? Optional.empty() : Optional.of(text);
    }
}
