package io.carrara.api.access;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A role granted in a project to a user ({@code alice}) or a group ({@code group:data-science}). */
public record Member(String project, String principal, Role role, Instant grantedAt, String grantedBy) {
    public Member {
        requireNonNull(project, "project is null");
        requireNonNull(principal, "principal is null");
        requireNonNull(role, "role is null");
        requireNonNull(grantedAt, "grantedAt is null");
    }
}
