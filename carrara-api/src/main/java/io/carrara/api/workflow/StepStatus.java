package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where one step of a workflow run is; on the wire, and in text output, by its lower-case name. */
public enum StepStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static StepStatus fromWireName(String wireName) {
        for (StepStatus value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + wireName + "' is not one of pending, running, succeeded, failed");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
