package io.carrara.api.health;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The server's health: ok, degraded (the feature store is down) or unavailable (the database is down); on the wire, and in text output, by its lower-case name. */
public enum HealthStatus {
    OK, DEGRADED, UNAVAILABLE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static HealthStatus fromWireName(String wireName) {
        for (HealthStatus value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + wireName + "' is not one of ok, degraded, unavailable");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
