package io.carrara.api.batch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** Where a batch job is: queued, running, or finished (succeeded or failed); on the wire, and in text output, by its lower-case name. */
public enum BatchJobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static BatchJobStatus fromWireName(String wireName) {
        return WireEnums.fromWireName(BatchJobStatus.class, "status", wireName);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
