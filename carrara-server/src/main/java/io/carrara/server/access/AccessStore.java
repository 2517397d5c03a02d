package io.carrara.server.access;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.registry.db.DatabaseTimes.toDbOrNull;
import static io.carrara.spi.error.StandardErrorCode.ALREADY_EXISTS;
import static io.carrara.spi.error.StandardErrorCode.CONFLICT;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.carrara.api.access.CreatedToken;
import io.carrara.api.access.DeploymentAccess;
import io.carrara.api.access.Member;
import io.carrara.api.access.Role;
import io.carrara.api.access.Token;
import io.carrara.api.access.User;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Users, API tokens and project roles in the registry database (migration V6). A token's secret is 32
 * random bytes, {@code carrara_} + base64url; only its SHA-256 is stored, so a leaked database does not
 * leak usable tokens.
 *
 * <pre>{@code
 * AccessStore store = new AccessStore(database);
 * store.createUser("alice", false, List.of("data-science"), "admin");
 * CreatedToken token = store.createToken("alice", "laptop", Duration.ofDays(30), "demo", Role.READ);
 * Optional<AccessStore.TokenOwner> owner = store.findToken(token.secret());
 * }</pre>
 */
public final class AccessStore {
    public static final String TOKEN_PREFIX = "carrara_";
    public static final String ADMIN = "admin";
    public static final String GROUP_PREFIX = "group:";
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(366);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final RegistryDatabase database;
    private final boolean oidcUsers;

    public AccessStore(RegistryDatabase database) {
        this(database, false);
    }

    /** @param oidcUsers whether users may also come from OpenID Connect, so that roles may be granted to names unknown here */
    public AccessStore(RegistryDatabase database, boolean oidcUsers) {
        this.database = requireNonNull(database, "database is null");
        this.oidcUsers = oidcUsers;
    }

    /** A token that was found by its secret, with its user: the caller, as far as the store can tell. */
    public record TokenOwner(Token token, User user) {}

    // ---- users

    public User createUser(String name, boolean admin, List<String> groups, String createdBy) {
        Names.checkName(name, "name");
        List<String> checkedGroups = new ArrayList<>();
        for (String group : groups == null ? List.<String>of() : groups) {
            checkedGroups.add(Names.checkName(group, "groups"));
        }
        Instant now = DatabaseTimes.now();
        return database.inTransaction(handle -> {
            if (findUser(handle, name).isPresent()) {
                throw new CarraraException(ALREADY_EXISTS, "user '" + name + "' already exists", "name");
            }
            handle.createUpdate("""
                    INSERT INTO users (name, is_admin, group_names, disabled, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                    .bind(0, name).bind(1, admin).bind(2, RegistryJson.write(List.copyOf(checkedGroups))).bind(3, false)
                    .bind(4, toDb(now)).bind(5, createdBy).execute();
            return new User(name, admin, checkedGroups, false, now, createdBy);
        });
    }

    public Optional<User> findUser(String name) {
        return database.jdbi().withHandle(handle -> findUser(handle, name));
    }

    public User getUser(String name) {
        return findUser(name).orElseThrow(() -> new CarraraException(NOT_FOUND, "user '" + name + "' does not exist", "name"));
    }

    public List<User> listUsers() {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM users ORDER BY name")
                .map((rs, ctx) -> user(rs)).list());
    }

    public boolean hasUsers() {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one()) > 0;
    }

    /** Disables or enables a user; a disabled user's tokens are refused. The last enabled admin cannot be disabled. */
    public User setDisabled(String name, boolean disabled) {
        return database.inTransaction(handle -> {
            User user = findUser(handle, name)
                    .orElseThrow(() -> new CarraraException(NOT_FOUND, "user '" + name + "' does not exist", "name"));
            if (disabled && user.admin() && !user.disabled()) {
                long admins = handle.createQuery("SELECT COUNT(*) FROM users WHERE is_admin = ? AND disabled = ?")
                        .bind(0, true).bind(1, false).mapTo(Long.class).one();
                if (admins <= 1) {
                    throw new CarraraException(CONFLICT, "user '" + name + "' is the last enabled server admin; create"
                            + " another admin first", "name");
                }
            }
            handle.createUpdate("UPDATE users SET disabled = ? WHERE name = ?").bind(0, disabled).bind(1, name).execute();
            return new User(user.name(), user.admin(), user.groups(), disabled, user.createdAt(), user.createdBy());
        });
    }

    private static Optional<User> findUser(Handle handle, String name) {
        return handle.createQuery("SELECT * FROM users WHERE name = ?").bind(0, name).map((rs, ctx) -> user(rs)).findOne();
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("name"), rs.getBoolean("is_admin"),
                RegistryJson.read(rs.getString("group_names"), STRINGS), rs.getBoolean("disabled"),
                fromDb(rs.getObject("created_at", LocalDateTime.class)), rs.getString("created_by"));
    }

    // ---- tokens

    /**
     * A new token for {@code user}, valid for {@code lifetime} (at most {@link #MAX_TOKEN_LIFETIME}), scoped to
     * {@code project} with at most {@code role} when both are given. The secret is in the answer only.
     */
    public CreatedToken createToken(String user, String name, Duration lifetime, String project, Role role) {
        if (name != null && (name.isBlank() || name.length() > 128)) {
            throw new CarraraException(INVALID_ARGUMENT, "name must be 1 to 128 characters", "name");
        }
        if (lifetime.isNegative() || lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            throw new CarraraException(INVALID_ARGUMENT, "expiresInSeconds must be between 60 and "
                    + MAX_TOKEN_LIFETIME.toSeconds() + " (a minute to a year), not " + lifetime.toSeconds(), "expiresInSeconds");
        }
        if ((project == null) != (role == null)) {
            throw new CarraraException(INVALID_ARGUMENT, "a token scoped to a project needs both project and role",
                    project == null ? "project" : "role");
        }
        if (project != null) {
            Names.checkName(project, "project");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = DatabaseTimes.now();
        Token token = new Token(UUID.randomUUID(), name, user, project, role, now, now.plus(lifetime), null, null);
        database.inTransaction(handle -> {
            User owner = findUser(handle, user)
                    .orElseThrow(() -> new CarraraException(NOT_FOUND, "user '" + user + "' does not exist", "user"));
            if (owner.disabled()) {
                throw new CarraraException(CONFLICT, "user '" + user + "' is disabled; enable it first", "user");
            }
            if (project != null && handle.createQuery("SELECT COUNT(*) FROM projects WHERE name = ?").bind(0, project)
                    .mapTo(Long.class).one() == 0) {
                throw new CarraraException(NOT_FOUND, "project '" + project + "' does not exist", "project");
            }
            return handle.createUpdate("""
                    INSERT INTO api_tokens (token_id, token_hash, user_name, name, project, role, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .bind(0, token.id().toString()).bind(1, hash(secret)).bind(2, user).bind(3, name).bind(4, project)
                    .bind(5, role == null ? null : role.wireName()).bind(6, toDb(now)).bind(7, toDb(token.expiresAt()))
                    .execute();
        });
        return new CreatedToken(secret, token);
    }

    /** The token whose secret this is, with its user, whatever its state (expired, revoked, user disabled). */
    public Optional<TokenOwner> findToken(String secret) {
        if (secret == null || !secret.startsWith(TOKEN_PREFIX) || secret.length() > 200) {
            return Optional.empty();
        }
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM api_tokens WHERE token_hash = ?")
                .bind(0, hash(secret)).map((rs, ctx) -> token(rs)).findOne()
                .flatMap(token -> findUser(handle, token.user()).map(user -> new TokenOwner(token, user))));
    }

    public Optional<Token> findToken(UUID id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM api_tokens WHERE token_id = ?")
                .bind(0, id.toString()).map((rs, ctx) -> token(rs)).findOne());
    }

    /** The user's tokens, newest first; every token of every user when {@code user} is null. */
    public List<Token> listTokens(String user) {
        return database.jdbi().withHandle(handle -> (user == null
                ? handle.createQuery("SELECT * FROM api_tokens ORDER BY created_at DESC, token_id")
                : handle.createQuery("SELECT * FROM api_tokens WHERE user_name = ? ORDER BY created_at DESC, token_id")
                        .bind(0, user))
                .map((rs, ctx) -> token(rs)).list());
    }

    /** Revokes a token (again: no change); answers it as it is now. */
    public Token revokeToken(UUID id) {
        Instant now = DatabaseTimes.now();
        return database.inTransaction(handle -> {
            handle.createUpdate("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL")
                    .bind(0, toDb(now)).bind(1, id.toString()).execute();
            return handle.createQuery("SELECT * FROM api_tokens WHERE token_id = ?").bind(0, id.toString())
                    .map((rs, ctx) -> token(rs)).findOne()
                    .orElseThrow(() -> new CarraraException(NOT_FOUND, "token " + id + " does not exist", "id"));
        });
    }

    /** Records when a token was last used (at most once per call of the authenticator's cache, not per request). */
    public void touch(UUID id, Instant when) {
        database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?")
                .bind(0, toDbOrNull(when)).bind(1, id.toString()).execute());
    }

    private static Token token(ResultSet rs) throws SQLException {
        String role = rs.getString("role");
        return new Token(UUID.fromString(rs.getString("token_id")), rs.getString("name"), rs.getString("user_name"),
                rs.getString("project"), role == null ? null : Role.fromWireName(role),
                fromDb(rs.getObject("created_at", LocalDateTime.class)), fromDb(rs.getObject("expires_at", LocalDateTime.class)),
                DatabaseTimes.fromDb(rs, "revoked_at"), DatabaseTimes.fromDb(rs, "last_used_at"));
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---- deployments

    /** Whether the deployment's predictions need no token; false until set. */
    public DeploymentAccess deploymentAccess(String deployment) {
        Names.checkName(deployment, "name");
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT * FROM deployment_access WHERE deployment = ?").bind(0, deployment)
                .map((rs, ctx) -> new DeploymentAccess(deployment, rs.getBoolean("anonymous_predictions"),
                        fromDb(rs.getObject("changed_at", LocalDateTime.class)), rs.getString("changed_by")))
                .findOne().orElse(new DeploymentAccess(deployment, false, null, null)));
    }

    public DeploymentAccess setDeploymentAccess(String deployment, boolean anonymousPredictions, String changedBy) {
        Names.checkName(deployment, "name");
        Instant now = DatabaseTimes.now();
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM deployment_access WHERE deployment = ?").bind(0, deployment).execute();
            return handle.createUpdate("""
                    INSERT INTO deployment_access (deployment, anonymous_predictions, changed_at, changed_by) VALUES (?, ?, ?, ?)""")
                    .bind(0, deployment).bind(1, anonymousPredictions).bind(2, toDb(now)).bind(3, changedBy).execute();
        });
        return new DeploymentAccess(deployment, anonymousPredictions, now, changedBy);
    }

    /** Closes the deployment again, as when it is undeployed. */
    public void clearDeploymentAccess(String deployment) {
        database.jdbi().useHandle(handle -> handle.createUpdate("DELETE FROM deployment_access WHERE deployment = ?")
                .bind(0, deployment).execute());
    }

    // ---- project members

    /** Grants {@code role} in {@code project} to a user or {@code group:NAME}, replacing the role it had there. */
    public Member grant(String project, String principal, Role role, String grantedBy) {
        requireNonNull(role, "role is null");
        Names.checkName(project, "project");
        checkPrincipal(principal);
        Instant now = DatabaseTimes.now();
        return database.inTransaction(handle -> {
            if (handle.createQuery("SELECT COUNT(*) FROM projects WHERE name = ?").bind(0, project).mapTo(Long.class).one() == 0) {
                throw new CarraraException(NOT_FOUND, "project '" + project + "' does not exist", "project");
            }
            if (!principal.startsWith(GROUP_PREFIX) && !oidcUsers && findUser(handle, principal).isEmpty()) {
                throw new CarraraException(NOT_FOUND, "user '" + principal + "' does not exist; create it first, or grant"
                        + " the role to a group as group:NAME", "principal");
            }
            handle.createUpdate("DELETE FROM project_members WHERE project = ? AND principal = ?")
                    .bind(0, project).bind(1, principal).execute();
            handle.createUpdate("""
                    INSERT INTO project_members (project, principal, role, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)""")
                    .bind(0, project).bind(1, principal).bind(2, role.wireName()).bind(3, toDb(now)).bind(4, grantedBy)
                    .execute();
            return new Member(project, principal, role, now, grantedBy);
        });
    }

    /** Removes a principal's role in a project; answers the grant that was removed. */
    public Member revoke(String project, String principal) {
        Names.checkName(project, "project");
        checkPrincipal(principal);
        return database.inTransaction(handle -> {
            Member member = handle.createQuery("SELECT * FROM project_members WHERE project = ? AND principal = ?")
                    .bind(0, project).bind(1, principal).map((rs, ctx) -> member(rs)).findOne()
                    .orElseThrow(() -> new CarraraException(NOT_FOUND, principal + " has no role in project '" + project + "'",
                            "principal"));
            handle.createUpdate("DELETE FROM project_members WHERE project = ? AND principal = ?")
                    .bind(0, project).bind(1, principal).execute();
            return member;
        });
    }

    public List<Member> members(String project) {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT * FROM project_members WHERE project = ? ORDER BY principal")
                .bind(0, project).map((rs, ctx) -> member(rs)).list());
    }

    /** The highest role the user, or any of its groups, has in each project where it has one. */
    public Map<String, Role> rolesOf(String user, List<String> groups) {
        List<String> principals = new ArrayList<>();
        principals.add(user);
        groups.forEach(group -> principals.add(GROUP_PREFIX + group));
        Map<String, Role> roles = new LinkedHashMap<>();
        database.jdbi().useHandle(handle -> handle.createQuery(
                        "SELECT * FROM project_members WHERE principal IN (<principals>) ORDER BY project")
                .bindList("principals", principals).map((rs, ctx) -> member(rs))
                .forEach(member -> roles.merge(member.project(), member.role(), (a, b) -> a.includes(b) ? a : b)));
        return roles;
    }

    /** A user name as OpenID Connect issuers write them too (alice@example.com), or group:NAME. */
    private static final java.util.regex.Pattern PRINCIPAL = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}");

    private static void checkPrincipal(String principal) {
        if (principal != null && principal.startsWith(GROUP_PREFIX)) {
            Names.checkName(principal.substring(GROUP_PREFIX.length()), "principal");
        } else if (principal == null || !PRINCIPAL.matcher(principal).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, "principal '" + principal + "' is not a user name (1 to 128 letters,"
                    + " digits, '_', '.', '@', '+' or '-', starting with a letter or digit) nor group:NAME", "principal");
        }
    }

    private static Member member(ResultSet rs) throws SQLException {
        return new Member(rs.getString("project"), rs.getString("principal"), Role.fromWireName(rs.getString("role")),
                fromDb(rs.getObject("granted_at", LocalDateTime.class)), rs.getString("granted_by"));
    }
}
