package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a workflow run is: queued, running, or finished (succeeded or failed); on the wire, and in text output, by its lower-case name. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunStatus fromWireName(String wireName) {
        for (RunStatus value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + wireName + "' is not one of queued, running, succeeded, failed");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
