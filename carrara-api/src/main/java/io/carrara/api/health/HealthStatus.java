package io.carrara.api.health;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** The server's health: ok, degraded (the feature store is down) or unavailable (the database is down); on the wire, and in text output, by its lower-case name. */
public enum HealthStatus {
    OK, DEGRADED, UNAVAILABLE;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static HealthStatus fromWireName(String wireName) {
        return WireEnums.fromWireName(HealthStatus.class, "status", wireName);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
