package io.carrara.api.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** What a deployment revision did; its wire name is the lower-case name, as in the event type. */
public enum RevisionAction {
    CREATED, UPDATED, UNDEPLOYED,
    /** A change the server refused before it took traffic; the deployment did not change. */
    REFUSED;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static RevisionAction fromWireName(String wireName) {
        return WireEnums.fromWireName(RevisionAction.class, "action", wireName);
    }
}
