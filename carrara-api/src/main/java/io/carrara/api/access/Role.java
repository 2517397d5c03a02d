package io.carrara.api.access;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/**
 * What a user may do in a project, each role including the ones before it: {@code read} (browse,
 * search, download) &lt; {@code use} (predict, batch-score) &lt; {@code edit} (create models, upload
 * instances, record metrics, deploy) &lt; {@code manage} (grant roles, undeploy, change members).
 * Server admins may do everything everywhere.
 */
public enum Role {
    READ, USE, EDIT, MANAGE;

    /** Whether this role includes {@code required}. */
    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Role fromWireName(String wireName) {
        return WireEnums.fromWireName(Role.class, "role", wireName);
    }
}
