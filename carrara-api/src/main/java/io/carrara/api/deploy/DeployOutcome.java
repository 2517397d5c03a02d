package io.carrara.api.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** What a deploy did: created the deployment, changed it (a new revision), or found it configured so already. */
public enum DeployOutcome {
    CREATED, UPDATED, UNCHANGED;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static DeployOutcome fromWireName(String wireName) {
        return WireEnums.fromWireName(DeployOutcome.class, "outcome", wireName);
    }
}
