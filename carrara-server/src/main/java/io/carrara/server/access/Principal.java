package io.carrara.server.access;

import static java.util.Objects.requireNonNull;

import io.carrara.api.access.Role;
import io.carrara.api.access.Token;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who a request is from, as the access guard established it, and what it may do: a server admin may do
 * everything; anyone else has the roles granted to it or its groups in each project. A token scoped to a
 * project narrows that to the project and the token's role, and never carries admin rights.
 *
 * @param user the user name ({@value #ANONYMOUS} for a request without credentials)
 * @param token the token the request carried, or null (no token, or authentication off)
 * @param roles the user's own roles per project (its groups' included)
 * @param unrestricted authentication is off: everything is allowed, and {@code user} is whatever the client said
 */
public record Principal(String user, boolean admin, List<String> groups, Token token, Map<String, Role> roles,
        boolean unrestricted) {
    public static final String ANONYMOUS = "anonymous";

    public Principal {
        requireNonNull(user, "user is null");
        groups = List.copyOf(groups);
        roles = Map.copyOf(roles);
    }

    /** A request without credentials, on a route that needs none. */
    public static Principal anonymous() {
        return new Principal(ANONYMOUS, false, List.of(), null, Map.of(), false);
    }

    /** Authentication off: everyone may do everything, recorded as the name the client sent. */
    public static Principal unrestricted(String user) {
        return new Principal(user == null || user.isBlank() ? ANONYMOUS : user, true, List.of(), null, Map.of(), true);
    }

    /** Server admin rights: an admin's token not scoped to a project, or authentication off. */
    public boolean isAdmin() {
        return unrestricted || admin && (token == null || token.project() == null);
    }

    /** The role this request has in {@code project}, if any. */
    public Optional<Role> roleIn(String project) {
        if (unrestricted) {
            return Optional.of(Role.MANAGE);
        }
        Role own = admin ? Role.MANAGE : roles.get(project);
        if (own == null) {
            return Optional.empty();
        }
        if (token != null && token.project() != null) {
            if (!token.project().equals(project)) {
                return Optional.empty();
            }
            return Optional.of(own.includes(token.role()) ? token.role() : own);
        }
        return Optional.of(own);
    }

    /** Whether this request may do what needs {@code role} in {@code project}. */
    public boolean has(String project, Role role) {
        return roleIn(project).map(held -> held.includes(role)).orElse(false);
    }
}
