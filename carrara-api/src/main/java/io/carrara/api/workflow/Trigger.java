package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What started a workflow run: a person, a backfill, or the schedule; on the wire, and in text output, by its lower-case name. */
public enum Trigger {
    MANUAL, BACKFILL, SCHEDULE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Trigger fromWireName(String wireName) {
        for (Trigger value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + wireName + "' is not one of manual, backfill, schedule");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
