package io.carrara.pipeline.stage;

import io.carrara.pipeline.format.Params;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.stream.Collectors;

/** Spark's {@code handleInvalid} parameter: fail the row, drop it, or keep it in an extra bucket or as NaN. */
public enum InvalidHandling {
    ERROR, SKIP, KEEP;

    /** Reads {@code handleInvalid}, refusing values the stage's Spark class does not accept. */
    public static InvalidHandling from(Params params, InvalidHandling... accepted) {
        String value = params.getString("handleInvalid");
        EnumSet<InvalidHandling> allowed = EnumSet.copyOf(Arrays.asList(accepted));
        for (InvalidHandling handling : allowed) {
            if (handling.sparkName().equals(value)) {
                return handling;
            }
        }
        throw params.invalid("handleInvalid is '" + value + "', expected one of "
                + allowed.stream().map(InvalidHandling::sparkName).collect(Collectors.joining(", ")));
    }

    public String sparkName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
