package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** Where one step of a workflow run is; on the wire, and in text output, by its lower-case name. */
public enum StepStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static StepStatus fromWireName(String wireName) {
        return WireEnums.fromWireName(StepStatus.class, "status", wireName);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
