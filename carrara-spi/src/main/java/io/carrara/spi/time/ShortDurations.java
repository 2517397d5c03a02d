package io.carrara.spi.time;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in settings, workflow files and command lines: a whole number and one of
 * {@code d}, {@code h}, {@code m}, {@code s} ({@code 30d}, {@code 36h}, {@code 90m}, {@code 3600s}).
 */
public final class ShortDurations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*([dhms])");

    private ShortDurations() {}

    /** The duration {@code value} writes, or empty when it is not one (case and surrounding blanks ignored). */
    public static Optional<Duration> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher matcher = SHORT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        });
    }
}
