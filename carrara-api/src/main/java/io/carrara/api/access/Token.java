package io.carrara.api.access;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * An API token as the server lists it: never its secret, which only {@link CreatedToken} carries, once.
 * {@code project} and {@code role} are set together when the token is scoped to one project, where it
 * has at most that role (and at most its user's); {@code revokedAt} and {@code lastUsedAt} may be null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Token(UUID id, String name, String user, String project, Role role, Instant createdAt, Instant expiresAt,
        Instant revokedAt, Instant lastUsedAt) {
    public Token {
        requireNonNull(id, "id is null");
        requireNonNull(user, "user is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }
}
