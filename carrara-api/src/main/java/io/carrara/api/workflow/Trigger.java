package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** What started a workflow run: a person, a backfill, or the schedule; on the wire, and in text output, by its lower-case name. */
public enum Trigger {
    MANUAL, BACKFILL, SCHEDULE;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Trigger fromWireName(String wireName) {
        return WireEnums.fromWireName(Trigger.class, "trigger", wireName);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
