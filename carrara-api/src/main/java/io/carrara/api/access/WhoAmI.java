package io.carrara.api.access;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/whoami}: who the server takes the caller to be, the token used (absent for an
 * identity from OpenID Connect or with authentication off), and the caller's role in each project
 * where it has one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WhoAmI(String user, boolean admin, List<String> groups, Token token, Map<String, Role> projects,
        boolean authenticationEnabled) {
    public WhoAmI {
        requireNonNull(user, "user is null");
        groups = groups == null ? List.of() : List.copyOf(groups);
        projects = projects == null ? Map.of() : Map.copyOf(projects);
    }
}
