package io.carrara.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The API's enums travel by their lower-case names ({@code queued}, {@code zip}); one rule for all of them. */
public final class WireEnums {
    private WireEnums() {}

    public static String wireName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} named {@code wireName}; refuses any other name, listing the accepted ones. */
    public static <E extends Enum<E>> E fromWireName(Class<E> type, String what, String wireName) {
        E[] values = type.getEnumConstants();
        for (E value : values) {
            if (wireName(value).equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException(what + " '" + wireName + "' is not one of "
                + Arrays.stream(values).map(WireEnums::wireName).collect(Collectors.joining(", ")));
    }
}
