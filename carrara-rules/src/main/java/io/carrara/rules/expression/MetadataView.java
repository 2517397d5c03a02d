package io.carrara.rules.expression;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Text entries (an instance's metadata, an event's payload) as a rule reads them: {@code meta.seed}
 * is a number when its text is a decimal number, as the registry's search compares it
 * ({@code meta.seed > 10} holds for "42"), and text otherwise; a missing key reads as null.
 */
public final class MetadataView {
    // The registry's rule for which metadata values are numbers (InstanceStore.parseNumber).
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("-?\\d{1,18}");

    private final Map<String, String> entries;

    MetadataView(Map<String, String> entries) {
        this.entries = entries;
    }

    /** The entry {@code key} as a number or text, or null when there is none. */
    @RuleVisible
    public Object get(String key) {
        String text = entries.get(key);
        return text == null ? null : typed(text);
    }

    /** The number {@code text} writes (a Long when whole, else a Double), or the text itself. */
    static Object typed(String text) {
        if (WHOLE.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        if (DECIMAL.matcher(text).matches()) {
            double number = Double.parseDouble(text);
            if (Double.isFinite(number)) {
                return number;
            }
        }
        return text;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
