package io.carrara.server.api;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.Put;
import com.linecorp.armeria.server.annotation.StatusCode;
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
import io.carrara.server.access.AccessGuard;
import io.carrara.server.access.AccessStore;
import io.carrara.server.access.AuditTrail;
import io.carrara.server.access.Authenticator;
import io.carrara.server.access.Principal;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users, tokens, project members, the audit trail and {@code whoami} under {@code /api/v1}; who may call
 * each is declared in {@link AccessPolicy} and checked by {@link AccessGuard}, not here.
 */
@ProducesJson
public final class AccessApi {
    static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofDays(30);

    private final AccessStore store;
    private final AuditTrail audit;
    private final Authenticator authenticator;
    private final boolean enabled;
    private final java.util.function.Consumer<String> deploymentAccessChanged;
    private final java.util.function.Consumer<String> checkDeploymentExists;

    /**
     * @param deploymentAccessChanged told of a deployment whose access changed, so that the guard reads it again
     * @param checkDeploymentExists throws NOT_FOUND for a name that is not deployed
     */
    public AccessApi(AccessStore store, AuditTrail audit, Authenticator authenticator, boolean enabled,
            java.util.function.Consumer<String> deploymentAccessChanged, java.util.function.Consumer<String> checkDeploymentExists) {
        this.checkDeploymentExists = requireNonNull(checkDeploymentExists, "checkDeploymentExists is null");
        this.store = requireNonNull(store, "store is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.enabled = enabled;
        this.deploymentAccessChanged = requireNonNull(deploymentAccessChanged, "deploymentAccessChanged is null");
    }

    @Get("/deployments/{name}/access")
    public DeploymentAccess deploymentAccess(@Param("name") String name) {
        checkDeploymentExists.accept(name);
        return store.deploymentAccess(name);
    }

    /** Opens a deployment's predictions to calls without a token, or closes them again. */
    @Put("/deployments/{name}/access")
    public DeploymentAccess setDeploymentAccess(ServiceRequestContext ctx, @Param("name") String name,
            AggregatedHttpRequest request) {
        DeploymentAccess access = JsonBodies.read(request, DeploymentAccess.class);
        if (access.anonymousPredictions() == null) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "anonymousPredictions is required: true lets"
                    + " calls without a token predict with the deployment, false stops them", "anonymousPredictions");
        }
        // Only a deployment that exists (its project's managers passed the guard): a name not deployed yet cannot be opened
        // in advance for whoever deploys it later.
        checkDeploymentExists.accept(name);
        DeploymentAccess changed = store.setDeploymentAccess(name, access.anonymousPredictions(), AccessGuard.caller(ctx).user());
        deploymentAccessChanged.accept(name);
        return changed;
    }

    @Get("/whoami")
    public WhoAmI whoami(ServiceRequestContext ctx) {
        Principal caller = AccessGuard.caller(ctx);
        Map<String, Role> projects = caller.unrestricted() ? Map.of() : caller.admin()
                ? Map.of() : scoped(caller);
        return new WhoAmI(caller.user(), caller.isAdmin(), caller.groups(), caller.token(), projects, enabled);
    }

    private static Map<String, Role> scoped(Principal caller) {
        Map<String, Role> roles = new java.util.TreeMap<>();
        caller.roles().keySet().forEach(project -> caller.roleIn(project).ifPresent(role -> roles.put(project, role)));
        return roles;
    }

    @Post("/users")
    @StatusCode(201)
    public User createUser(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        NewUser user = JsonBodies.read(request, NewUser.class);
        return store.createUser(user.name(), Boolean.TRUE.equals(user.admin()), user.groups(), AccessGuard.caller(ctx).user());
    }

    @Get("/users")
    public Page<User> users() {
        return new Page<>(store.listUsers(), null);
    }

    @Get("/users/{name}")
    public User user(@Param("name") String name) {
        return store.getUser(name);
    }

    @Post("/users/{name}/disable")
    public User disable(@Param("name") String name) {
        User user = store.setDisabled(name, true);
        authenticator.invalidate();
        return user;
    }

    @Post("/users/{name}/enable")
    public User enable(@Param("name") String name) {
        User user = store.setDisabled(name, false);
        authenticator.invalidate();
        return user;
    }

    @Get("/users/{name}/tokens")
    public Page<Token> userTokens(@Param("name") String name) {
        store.getUser(name);
        return new Page<>(store.listTokens(name), null);
    }

    @Post("/tokens")
    @StatusCode(201)
    public CreatedToken createToken(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        NewToken token = JsonBodies.read(request, NewToken.class);
        Principal caller = AccessGuard.caller(ctx);
        if (caller.unrestricted() && token.user() == null) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "authentication is off (auth.enabled=false):"
                    + " name the user the token is for", "user");
        }
        if (caller.token() != null && caller.token().project() != null && (token.project() == null
                || !token.project().equals(caller.token().project()))) {
            throw new CarraraException(StandardErrorCode.PERMISSION_DENIED, "a token scoped to project '"
                    + caller.token().project() + "' can only create tokens scoped to that project", "project");
        }
        long seconds = token.expiresInSeconds() == null ? DEFAULT_TOKEN_LIFETIME.toSeconds() : token.expiresInSeconds();
        return store.createToken(token.user() == null ? caller.user() : token.user(), token.name(), Duration.ofSeconds(seconds),
                token.project(), token.role());
    }

    /** The caller's tokens; {@code user=NAME} another user's and {@code user=*} everyone's (admins only). */
    @Get("/tokens")
    public Page<Token> tokens(ServiceRequestContext ctx, @Param("user") Optional<String> user) {
        String named = user.filter(value -> !value.isBlank()).orElse(AccessGuard.caller(ctx).user());
        if (named.equals("*")) {
            return new Page<>(store.listTokens(null), null);
        }
        store.getUser(named);
        return new Page<>(store.listTokens(named), null);
    }

    @Delete("/tokens/{id}")
    public Token revokeToken(@Param("id") String id) {
        Token token = store.revokeToken(ApiParameters.uuid(id, "id", "a token id"));
        authenticator.invalidate();
        return token;
    }

    @Get("/projects/{project}/members")
    public Page<Member> members(@Param("project") String project) {
        return new Page<>(store.members(project), null);
    }

    @Put("/projects/{project}/members/{principal}")
    public Member grant(ServiceRequestContext ctx, @Param("project") String project, @Param("principal") String principal,
            AggregatedHttpRequest request) {
        NewGrant grant = JsonBodies.read(request, NewGrant.class);
        if (grant.role() == null) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "role is required: read, use, edit or manage", "role");
        }
        Member member = store.grant(project, principal, grant.role(), AccessGuard.caller(ctx).user());
        authenticator.invalidate();
        return member;
    }

    @Delete("/projects/{project}/members/{principal}")
    public Member revoke(@Param("project") String project, @Param("principal") String principal) {
        Member member = store.revoke(project, principal);
        authenticator.invalidate();
        return member;
    }

    @Get("/audit")
    public Page<AuditRecord> audit(@Param("user") Optional<String> user, @Param("project") Optional<String> project,
            @Param("since") Optional<String> since, @Param("after") Optional<String> after,
            @Param("limit") Optional<String> limit) {
        Instant from = ApiParameters.instant(since, "since").orElse(null);
        List<AuditRecord> records = audit.find(user.filter(value -> !value.isBlank()).orElse(null),
                project.filter(value -> !value.isBlank()).orElse(null), from, ApiParameters.whole(after, "after", 0),
                ApiParameters.integer(limit, "limit", 100));
        return new Page<>(records, null);
    }
}
