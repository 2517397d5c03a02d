package io.carrara.registry.model;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The bounds every registry input is held to (keys, short and long text, lists, string maps), in
 * one place so the {@code New*} records and the registry refuse alike, naming the field.
 */
public final class FieldChecks {
    /** The longest metadata value (instances, metrics). */
    public static final int MAX_METADATA_VALUE = 512;
    /** The longest provenance or hyperparameter value. */
    public static final int MAX_PROVENANCE_VALUE = 1024;
    /** The longest description or reason. */
    public static final int MAX_TEXT = 4000;
    /** The most entries of a list or map. */
    public static final int MAX_ENTRIES = 200;
    /** The longest short text: a user, an owner, a model type. */
    public static final int MAX_SHORT = 128;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private FieldChecks() {}

    /** The user who makes a change: {@code anonymous} when none is known. */
    public static String checkUser(String user) {
        if (user == null || user.isBlank()) {
            return "anonymous";
        }
        return checkShort(user, "user");
    }

    public static String checkShort(String value, String field) {
        if (value != null && value.length() > MAX_SHORT) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is longer than " + MAX_SHORT + " characters", field);
        }
        return value;
    }

    public static String checkText(String value, String field) {
        if (value != null && value.length() > MAX_TEXT) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is longer than " + MAX_TEXT + " characters", field);
        }
        return value;
    }

    /** A value of at most {@code maxLength} characters, or null. */
    public static String checkValue(String value, String field, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is longer than " + maxLength + " characters", field);
        }
        return value;
    }

    /** A metric name or a map key: 1 to 128 letters, digits, '_', '.' or '-'. */
    public static String checkKey(String value, String field) {
        if (value == null || !KEY.matcher(value).matches()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + " '" + value + "' is not valid: use 1 to 128 letters, digits, '_', '.' or '-', starting with"
                            + " a letter, digit or '_'",
                    field);
        }
        return value;
    }

    /** An immutable copy of up to {@link #MAX_ENTRIES} strings of 1 to 256 characters; null is empty. */
    public static List<String> checkList(List<String> values, String field) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_ENTRIES) {
            throw new CarraraException(INVALID_ARGUMENT, field + " has more than " + MAX_ENTRIES + " entries", field);
        }
        for (String value : values) {
            if (value == null || value.isEmpty() || value.length() > 256) {
                throw new CarraraException(INVALID_ARGUMENT, field + " entries must be 1 to 256 characters", field);
            }
        }
        return List.copyOf(values);
    }

    /**
     * An immutable copy in key order of up to {@link #MAX_ENTRIES} entries with valid keys and
     * values of at most {@code maxValueLength} characters; null is empty.
     */
    public static Map<String, String> checkMap(Map<String, String> values, String field, int maxValueLength) {
        if (values == null) {
            return Map.of();
        }
        if (values.size() > MAX_ENTRIES) {
            throw new CarraraException(INVALID_ARGUMENT, field + " has more than " + MAX_ENTRIES + " entries", field);
        }
        Map<String, String> checked = new TreeMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = checkKey(entry.getKey(), field + " key");
            String value = entry.getValue();
            if (value == null) {
                throw new CarraraException(INVALID_ARGUMENT, field + "." + key + " has no value", field + "." + key);
            }
            checkValue(value, field + "." + key, maxValueLength);
            checked.put(key, value);
        }
        return Collections.unmodifiableMap(checked);
    }

    /** As {@link #checkMap} for numbers (seeds): keys checked, no null values. */
    public static Map<String, Long> checkLongMap(Map<String, Long> values, String field) {
        if (values == null) {
            return Map.of();
        }
        if (values.size() > MAX_ENTRIES) {
            throw new CarraraException(INVALID_ARGUMENT, field + " has more than " + MAX_ENTRIES + " entries", field);
        }
        Map<String, Long> checked = new TreeMap<>();
        for (Map.Entry<String, Long> entry : values.entrySet()) {
            String key = checkKey(entry.getKey(), field + " key");
            if (entry.getValue() == null) {
                throw new CarraraException(INVALID_ARGUMENT, field + "." + key + " has no value", field + "." + key);
            }
            checked.put(key, entry.getValue());
        }
        return Collections.unmodifiableMap(checked);
    }
}
