package io.carrara.pipeline.sql;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Spark SQL's value semantics for the supported types, as the evaluators need them: ordering
 * (NaN equal to NaN and above every other number, -0.0 equal to 0.0; strings by code point, as
 * Spark compares UTF-8 bytes), text forms of numbers, string to number parsing under ANSI rules,
 * and the code-point based string functions.
 */
final class SqlValues {
    private SqlValues() {
    }

    /** Spark's {@code SQLOrderingUtil.compareDoubles}. */
    static int compare(double left, double right) {
        return left == right ? 0 : Double.compare(left, right);
    }

    /** Code point order, which is the UTF-8 byte order Spark compares strings in. */
    static int compare(String left, String right) {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            int a = left.codePointAt(i);
            int b = right.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < left.length(), j < right.length());
    }

    /** {@code CAST(value AS STRING)} for a value held as a double. */
    static String toText(SqlType type, double value) {
        return switch (type) {
            case BOOLEAN -> value != 0 ? "true" : "false";
            case BYTE, SHORT, INT, LONG -> Long.toString((long) value);
            case FLOAT -> Float.toString((float) value);
            case DOUBLE -> Double.toString(value);
            default -> throw new IllegalArgumentException("no text form for " + type);
        };
    }

    /** Spark's {@code UTF8String.trimAll}: white space and ISO control characters at both ends. */
    static String trimAll(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isTrimmable(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && isTrimmable(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    private static boolean isTrimmable(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isISOControl(codePoint);
    }

    /**
     * An ANSI cast of a string to an integral type: optional sign and ASCII digits after trimming,
     * nothing else (no fraction, no exponent); empty when malformed or out of the type's range.
     */
    static OptionalDouble parseIntegral(String text, long min, long max) {
        String trimmed = trimAll(text);
        int i = 0;
        boolean negative = false;
        if (!trimmed.isEmpty() && (trimmed.charAt(0) == '+' || trimmed.charAt(0) == '-')) {
            negative = trimmed.charAt(0) == '-';
            i = 1;
        }
        if (i >= trimmed.length()) {
            return OptionalDouble.empty();
        }
        long value = 0;
        for (; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalDouble.empty();
            }
            // Accumulate negatively so Long.MIN_VALUE parses.
            int digit = c - '0';
            if (value < (Long.MIN_VALUE + digit) / 10) {
                return OptionalDouble.empty();
            }
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return OptionalDouble.empty();
            }
            value = -value;
        }
        return value < min || value > max ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** An ANSI cast of a string to DOUBLE (or FLOAT): Java's number syntax plus Spark's inf/infinity/nan words, any case. */
    static OptionalDouble parseFractional(String text, boolean toFloat) {
        String trimmed = trimAll(text);
        try {
            return OptionalDouble.of(toFloat ? Float.parseFloat(trimmed) : Double.parseDouble(trimmed));
        } catch (NumberFormatException e) {
            return switch (trimmed.toLowerCase(Locale.ROOT)) {
                case "inf", "+inf", "infinity", "+infinity" -> OptionalDouble.of(Double.POSITIVE_INFINITY);
                case "-inf", "-infinity" -> OptionalDouble.of(Double.NEGATIVE_INFINITY);
                case "nan" -> OptionalDouble.of(Double.NaN);
                default -> OptionalDouble.empty();
            };
        }
    }

    /** An ANSI cast of a string to BOOLEAN: 1 for t/true/y/yes/1, 0 for f/false/n/no/0, any case, trimmed; else empty. */
    static OptionalDouble parseBoolean(String text) {
        return switch (trimAll(text).toLowerCase(Locale.ROOT)) {
            case "t", "true", "y", "yes", "1" -> OptionalDouble.of(1);
            case "f", "false", "n", "no", "0" -> OptionalDouble.of(0);
            default -> OptionalDouble.empty();
        };
    }

    /** Spark's {@code length}: characters, counting a surrogate pair once. */
    static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /** Spark's {@code trim}, {@code ltrim} and {@code rtrim} without a character set remove spaces (U+0020) only. */
    static String trimSpaces(String text, boolean leading, boolean trailing) {
        int start = 0;
        int end = text.length();
        while (leading && start < end && text.charAt(start) == ' ') {
            start++;
        }
        while (trailing && end > start && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(start, end);
    }

    /**
     * Spark's {@code substr(text, pos, len)} ({@code UTF8String.substringSQL}): 1-based; 0 is the
     * start too; a negative position counts from the end; characters are code points.
     */
    static String substring(String text, int position, int length) {
        int count = length(text);
        int start = position > 0 ? position - 1 : position < 0 ? count + position : 0;
        long end = Math.min((long) start + length, count);
        start = Math.max(start, 0);
        if (start >= end) {
            return "";
        }
        int from = text.offsetByCodePoints(0, start);
        return text.substring(from, text.offsetByCodePoints(from, (int) end - start));
    }
}
