package io.carrara.registry.monitoring;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The length of a monitoring window, written as a user writes it ({@code 15m}, {@code 1h}, {@code 1d}): windows tumble
 * from midnight UTC, so a length must divide a day, from 5 minutes to 1 day.
 */
public record WindowSize(String name, Duration length) {
    private static final Pattern FORM = Pattern.compile("([1-9][0-9]{0,3})([mhd])");
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration SHORTEST = Duration.ofMinutes(5);

    /** The most window sizes a deployment may have. */
    public static final int MAX_SIZES = 4;

    /** The windows a deployment has unless it says otherwise: daily and hourly. */
    public static final List<WindowSize> DEFAULTS = List.of(parse("1d", "windows"), parse("1h", "windows"));

    /** The size {@code text} names, or a 400 naming {@code field}. */
    public static WindowSize parse(String text, String field) {
        Matcher matcher = text == null ? null : FORM.matcher(text.trim());
        if (matcher == null || !matcher.matches()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + shown(text) + "' is not a window size: write a number and m, h"
                    + " or d, such as 15m, 1h or 1d", field);
        }
        long count = Long.parseLong(matcher.group(1));
        Duration length = switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(count);
            case "h" -> Duration.ofHours(count);
            default -> Duration.ofDays(count);
        };
        if (length.compareTo(SHORTEST) < 0 || length.compareTo(DAY) > 0 || DAY.toMinutes() % length.toMinutes() != 0) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + text.trim() + "' must divide a day evenly, from 5m to 1d (5m,"
                    + " 10m, 15m, 20m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d), so that windows tumble from midnight UTC", field);
        }
        return new WindowSize(canonical(length), length);
    }

    /**
     * The sizes {@code texts} name, longest first (the first is the deployment's primary window, whose metrics carry
     * their plain names); {@link #DEFAULTS} for null or empty; a 400 for duplicates or more than {@value #MAX_SIZES}.
     */
    public static List<WindowSize> parseAll(List<String> texts, String field) {
        if (texts == null || texts.isEmpty()) {
            return DEFAULTS;
        }
        if (texts.size() > MAX_SIZES) {
            throw new CarraraException(INVALID_ARGUMENT, "at most " + MAX_SIZES + " window sizes, not " + texts.size(), field);
        }
        List<WindowSize> sizes = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            WindowSize size = parse(texts.get(i), field + "[" + i + "]");
            if (sizes.stream().anyMatch(other -> other.length().equals(size.length()))) {
                throw new CarraraException(INVALID_ARGUMENT, field + "[" + i + "] '" + texts.get(i) + "' is given twice", field);
            }
            sizes.add(size);
        }
        sizes.sort(Comparator.comparing(WindowSize::length).reversed());
        return List.copyOf(sizes);
    }

    /** The start of the window of this size that {@code time} falls in. */
    public Instant floor(Instant time) {
        long millis = length.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), millis) * millis);
    }

    private static String canonical(Duration length) {
        if (length.equals(DAY)) {
            return "1d";
        }
        return length.toMinutes() % 60 == 0 ? length.toHours() + "h" : length.toMinutes() + "m";
    }

    private static String shown(String text) {
        return text == null ? "null" : text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    @Override
    public String toString() {
        return name;
    }
}
