package io.carrara.api.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** Where a workflow run is: queued, running, or finished (succeeded or failed); on the wire, and in text output, by its lower-case name. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static RunStatus fromWireName(String wireName) {
        return WireEnums.fromWireName(RunStatus.class, "status", wireName);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
