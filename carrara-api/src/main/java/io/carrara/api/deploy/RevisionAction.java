package io.carrara.api.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a deployment revision did; its wire name is the lower-case name, as in the event type. */
public enum RevisionAction {
    CREATED, UPDATED, UNDEPLOYED,
    /** A change the server refused before it took traffic; the deployment did not change. */
    REFUSED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RevisionAction fromWireName(String wireName) {
        for (RevisionAction value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("action '" + wireName + "' is not created, updated, undeployed or refused");
    }
}
