package io.carrara.api.access;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /api/v1/tokens}. Everything may be absent: {@code name} describes the token,
 * {@code expiresInSeconds} defaults to 30 days (at most a year), {@code project} and {@code role}
 * scope it to one project (both or neither), and {@code user} (admins only) makes the token for
 * another user instead of the caller.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewToken(String name, Long expiresInSeconds, String project, Role role, String user) {}
