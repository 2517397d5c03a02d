package io.carrara.api.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a deploy did: created the deployment, changed it (a new revision), or found it configured so already. */
public enum DeployOutcome {
    CREATED, UPDATED, UNCHANGED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DeployOutcome fromWireName(String wireName) {
        for (DeployOutcome value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("outcome '" + wireName + "' is not created, updated or unchanged");
    }
}
