package io.carrara.registry.monitoring;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert threshold of a monitored deployment: a window metric, a comparison and a number ({@code auc < 0.7},
 * {@code drift.psi.max > 0.25}); a window whose metric crosses it raises an alert. Parsed from its text, which is what
 * a user writes and what is stored.
 */
public record Threshold(String metric, String operator, double value) {
    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})\\s*(<=|>=|<|>)\\s*(\\S+)\\s*");

    /** The threshold {@code text} means, or a 400 naming {@code field} and the expected form. */
    public static Threshold parse(String text, String field) {
        Matcher matcher = text == null || text.length() > 200 ? null : FORM.matcher(text);
        if (matcher == null || !matcher.matches()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + shown(text) + "' is not a threshold: write METRIC OP NUMBER with"
                    + " OP one of < <= > >=, e.g. 'auc < 0.7' or 'drift.psi.max > 0.25'", field);
        }
        double value;
        try {
            value = Double.parseDouble(matcher.group(3));
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!Double.isFinite(value)) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + shown(text) + "' compares with '" + shown(matcher.group(3))
                    + "', which is not a number", field);
        }
        return new Threshold(matcher.group(1), matcher.group(2), value);
    }

    /** Whether {@code observed} crosses the threshold. */
    public boolean crossedBy(double observed) {
        return switch (operator) {
            case "<" -> observed < value;
            case "<=" -> observed <= value;
            case ">" -> observed > value;
            default -> observed >= value;
        };
    }

    /** The threshold as text, as stored and shown: {@code auc < 0.7}. */
    @Override
    public String toString() {
        return metric + " " + operator + " " + (value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value));
    }

    private static String shown(String text) {
        return text == null ? "null" : text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
