package io.carrara.api.access;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** A user of the server as it answers one; {@code groups} may be granted roles as {@code group:NAME}. */
public record User(String name, boolean admin, List<String> groups, boolean disabled, Instant createdAt, String createdBy) {
    public User {
        requireNonNull(name, "name is null");
        groups = groups == null ? List.of() : List.copyOf(groups);
        requireNonNull(createdAt, "createdAt is null");
    }
}
