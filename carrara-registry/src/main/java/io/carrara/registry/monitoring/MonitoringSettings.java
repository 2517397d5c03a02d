package io.carrara.registry.monitoring;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a deployment is monitored: what it predicts ({@code task}), the thresholds whose crossing by a window raises an
 * alert, the input field that outcomes may be keyed by ({@code outcomeKey}, null when outcomes come only by prediction
 * id) and how long before its outcome a prediction may have been made ({@code lookback}), the window sizes computed
 * (longest first: the primary one, whose metrics carry their plain names), and who said so when.
 */
public record MonitoringSettings(String deployment, MonitoringTask task, List<Threshold> alerts, String outcomeKey, Duration lookback,
        List<WindowSize> windows, Instant updatedAt, String updatedBy) {
    /** How long before its outcome a prediction may have been made, unless a deployment says otherwise. */
    public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(14);
    private static final Pattern LOOKBACK = Pattern.compile("([1-9][0-9]{0,4})([hd])");
    private static final Pattern KEY = Pattern.compile("[^\\s\\p{Cntrl}]{1,128}");

    public MonitoringSettings {
        alerts = List.copyOf(requireNonNull(alerts, "alerts is null"));
        windows = List.copyOf(requireNonNull(windows, "windows is null"));
        requireNonNull(deployment, "deployment is null");
        requireNonNull(task, "task is null");
        requireNonNull(lookback, "lookback is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(updatedBy, "updatedBy is null");
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("windows is empty");
        }
    }

    /** The window whose metrics carry their plain names ({@code auc}); the others' have the size appended ({@code auc.1h}). */
    public WindowSize primary() {
        return windows.get(0);
    }

    /** The window size named {@code name}, if the deployment computes it. */
    public java.util.Optional<WindowSize> window(String name) {
        return windows.stream().filter(size -> size.name().equals(name)).findFirst();
    }

    /** A lookback as a user writes it ({@code 14d}, {@code 36h}: 1 hour to 366 days), or a 400 naming {@code field}. */
    public static Duration parseLookback(String text, String field) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LOOKBACK;
        }
        Matcher matcher = LOOKBACK.matcher(text.trim());
        Duration lookback = null;
        if (matcher.matches()) {
            long count = Long.parseLong(matcher.group(1));
            lookback = matcher.group(2).equals("h") ? Duration.ofHours(count) : Duration.ofDays(count);
        }
        if (lookback == null || lookback.compareTo(Duration.ofDays(366)) > 0) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
                    + "' is not a lookback: write hours or days from 1h to 366d, such as 36h or 14d", field);
        }
        return lookback;
    }

    /** A lookback as it is written: days when whole, else hours. */
    public static String lookbackText(Duration lookback) {
        return lookback.toHours() % 24 == 0 ? lookback.toDays() + "d" : lookback.toHours() + "h";
    }

    /** The outcome key field, checked (1 to 128 characters, no spaces or control characters), or null when none is given. */
    public static String checkOutcomeKey(String field, String name) {
        if (field == null || field.isEmpty()) {
            return null;
        }
        if (!KEY.matcher(field).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, name + " must name an input field (1 to 128 characters without spaces or"
                    + " control characters), not '" + (field.length() > 40 ? field.substring(0, 40) + "…" : field) + "'", name);
        }
        return field;
    }
}
