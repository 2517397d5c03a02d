package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.api.Page;
import io.carrara.api.access.AuditRecord;
import io.carrara.api.access.CreatedToken;
import io.carrara.api.access.DeploymentAccess;
import io.carrara.api.access.Member;
import io.carrara.api.access.NewGrant;
import io.carrara.api.access.NewToken;
import io.carrara.api.access.NewUser;
import io.carrara.api.access.Role;
import io.carrara.api.access.Token;
import io.carrara.api.access.User;
import io.carrara.api.access.WhoAmI;
import io.carrara.spi.error.CarraraException;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Access control: who the caller is, users (admins only), API tokens, the members of a project and
 * their roles, and the audit trail. Reached through {@link CarraraClient#access()}.
 * <pre>{@code
 * client.access().createUser(new NewUser("alice", false, List.of("data-science")));
 * client.access().grant("demand", "group:data-science", Role.EDIT);
 * CreatedToken created = client.access().createToken(new NewToken("ci", 30L * 86400, "demand", Role.USE, "alice"));
 * String secret = created.secret();   // shown this once: the server keeps only its hash
 * }</pre>
 * A call without the credentials it needs fails with code {@code UNAUTHENTICATED}, one the caller's
 * role does not allow with {@code PERMISSION_DENIED}.
 */
public final class AccessClient {
    /** The most audit records one call asks for; the server's own limit. */
    public static final int MAX_AUDIT_PAGE = 1000;

    private final Transport transport;

    AccessClient(Transport transport) {
        this.transport = transport;
    }

    /** Who the server takes this client to be, with the token used and a role per project. */
    public WhoAmI whoami() {
        return transport.call(transport.request("/api/v1/whoami").GET(), transport.type(WhoAmI.class));
    }

    // ---- users

    public User createUser(NewUser user) {
        requireNonNull(user, "user is null");
        Transport.segment(user.name(), "name");
        return transport.call(transport.request("/api/v1/users").header("Content-Type", "application/json")
                .POST(transport.jsonBody(user)), transport.type(User.class));
    }

    /** Every user, by name. */
    public List<User> users() {
        return allPages("/api/v1/users", Map.of(), User.class);
    }

    public User user(String name) {
        return transport.call(transport.request(userPath(name)).GET(), transport.type(User.class));
    }

    /** Refuses the user's tokens from now on; the user and its grants stay. */
    public User disableUser(String name) {
        return transport.call(transport.request(userPath(name) + "/disable").POST(noBody()), transport.type(User.class));
    }

    public User enableUser(String name) {
        return transport.call(transport.request(userPath(name) + "/enable").POST(noBody()), transport.type(User.class));
    }

    // ---- tokens

    /** A new token; its secret is in the answer only, this once. */
    public CreatedToken createToken(NewToken token) {
        requireNonNull(token, "token is null");
        if ((token.project() == null) != (token.role() == null)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "a token's project and role go together: give both to scope it to one project, or neither",
                    token.project() == null ? "project" : "role");
        }
        return transport.call(transport.request("/api/v1/tokens").header("Content-Type", "application/json")
                .POST(transport.jsonBody(token)), transport.type(CreatedToken.class));
    }

    /**
     * The caller's tokens, revoked and expired ones included; an admin may name another {@code user},
     * or {@code *} for everyone's. Null means the caller's.
     */
    public List<Token> tokens(String user) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        return allPages("/api/v1/tokens", parameters, Token.class);
    }

    /** Revokes the token at once (the server may accept it for a few more seconds from its cache) and answers it. */
    public Token revokeToken(UUID id) {
        requireNonNull(id, "id is null");
        return transport.call(transport.request("/api/v1/tokens/" + id).DELETE(), transport.type(Token.class));
    }

    // ---- deployments

    /** Whether the deployment's predictions need no token. */
    public DeploymentAccess deploymentAccess(String deployment) {
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/access").GET(),
                transport.type(DeploymentAccess.class));
    }

    /** Opens the deployment's predictions to calls without a token, or closes them again (the manage role). */
    public DeploymentAccess setAnonymousPredictions(String deployment, boolean anonymous) {
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/access")
                .header("Content-Type", "application/json")
                .PUT(transport.jsonBody(new DeploymentAccess(null, anonymous, null, null))), transport.type(DeploymentAccess.class));
    }

    // ---- project members

    /** The grants of a project, to users ({@code alice}) and groups ({@code group:data-science}). */
    public List<Member> members(String project) {
        return allPages(Transport.projectPath(project) + "/members", Map.of(), Member.class);
    }

    /** Gives {@code principal} ({@code alice} or {@code group:NAME}) {@code role} in the project, replacing its previous one. */
    public Member grant(String project, String principal, Role role) {
        requireNonNull(role, "role is null");
        return transport.call(transport.request(memberPath(project, principal)).header("Content-Type", "application/json")
                .PUT(transport.jsonBody(new NewGrant(role))), transport.type(Member.class));
    }

    /** Removes the principal's grant in the project and answers the grant removed. */
    public Member revoke(String project, String principal) {
        return transport.call(transport.request(memberPath(project, principal)).DELETE(), transport.type(Member.class));
    }

    // ---- audit

    /**
     * One page of the audit trail, oldest first: records with an id greater than {@code after} (0 for
     * the start), at most {@code limit} (1 to {@value #MAX_AUDIT_PAGE}). Null {@code user},
     * {@code project} or {@code since} filter nothing. To read on, pass the last record's id as
     * {@code after}.
     */
    public Page<AuditRecord> audit(String user, String project, Instant since, long after, int limit) {
        if (limit < 1 || limit > MAX_AUDIT_PAGE) {
            throw new CarraraException(INVALID_ARGUMENT, "limit must be 1 to " + MAX_AUDIT_PAGE + ", got " + limit, "limit");
        }
        if (after < 0) {
            throw new CarraraException(INVALID_ARGUMENT, "after must be 0 or a record's id, got " + after, "after");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        parameters.put("project", project);
        parameters.put("since", since);
        parameters.put("after", after > 0 ? after : null);
        parameters.put("limit", limit);
        return transport.call(transport.request(Transport.withQuery("/api/v1/audit", parameters)).GET(),
                transport.pageOf(AuditRecord.class));
    }

    /**
     * Up to {@code max} audit records after {@code after}, oldest first, following the cursor across pages
     * until the trail ends or {@code max} is reached.
     */
    public List<AuditRecord> auditTrail(String user, String project, Instant since, long after, int max) {
        if (max < 1) {
            throw new CarraraException(INVALID_ARGUMENT, "max must be at least 1, got " + max, "limit");
        }
        List<AuditRecord> records = new ArrayList<>();
        long cursor = after;
        while (records.size() < max) {
            int limit = Math.min(MAX_AUDIT_PAGE, max - records.size());
            List<AuditRecord> items = audit(user, project, since, cursor, limit).items();
            records.addAll(items);
            long last = items.isEmpty() ? cursor : items.get(items.size() - 1).id();
            // A short page is the end of the trail; a server that does not move forward would loop forever.
            if (items.size() < limit || last <= cursor) {
                break;
            }
            cursor = last;
        }
        return List.copyOf(records.subList(0, Math.min(max, records.size())));
    }

    // ---- helpers

    private static String userPath(String name) {
        return "/api/v1/users/" + Transport.segment(name, "user");
    }

    private static String memberPath(String project, String principal) {
        return Transport.projectPath(project) + "/members/" + Transport.segment(principal, "principal");
    }

    private static HttpRequest.BodyPublisher noBody() {
        return HttpRequest.BodyPublishers.noBody();
    }

    /** Every item of a list endpoint: the first page as asked, then {@code offset=nextOffset} while the server gives one. */
    private <T> List<T> allPages(String path, Map<String, Object> parameters, Class<T> itemType) {
        Function<Integer, Page<T>> page = offset -> {
            Map<String, Object> query = new LinkedHashMap<>(parameters);
            query.put("offset", offset);
            return transport.call(transport.request(Transport.withQuery(path, query)).GET(), transport.pageOf(itemType));
        };
        List<T> items = new ArrayList<>();
        Integer offset = null;
        while (true) {
            Page<T> current = page.apply(offset);
            items.addAll(current.items());
            if (!current.hasMore() || (offset != null && current.nextOffset() <= offset) || current.nextOffset() <= 0) {
                return List.copyOf(items);
            }
            offset = current.nextOffset();
        }
    }
}
