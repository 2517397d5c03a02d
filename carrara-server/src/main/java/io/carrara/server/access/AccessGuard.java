package io.carrara.server.access;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.carrara.api.access.AuditRecord;
import io.carrara.api.access.Role;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.json.RegistryJson;
import io.carrara.server.access.AccessPolicy.Facts;
import io.carrara.server.access.AccessPolicy.Kind;
import io.carrara.server.access.AccessPolicy.Requirement;
import io.carrara.server.api.ApiErrors;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.StandardErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where calls are authenticated and authorized: every request's route is looked up in the
 * {@link AccessPolicy}, its credentials checked by the {@link Authenticator}, and the caller's roles compared
 * with the requirement before any service sees it. Services read who the caller is with {@link #caller}.
 * Changes and refusals are appended to the {@link AuditTrail} once the answer is complete.
 *
 * <p>The check does not leave the event loop when what it needs is cached (tokens and deployments' projects
 * are, for {@code auth.cacheSeconds}); otherwise it moves to the blocking executor.
 */
public final class AccessGuard implements DecoratingHttpServiceFunction {
    private static final Logger log = LoggerFactory.getLogger(AccessGuard.class);
    private static final AttributeKey<Principal> PRINCIPAL = AttributeKey.valueOf(AccessGuard.class, "principal");
    private static final AttributeKey<String> PROJECT = AttributeKey.valueOf(AccessGuard.class, "project");
    private static final MediaType GRPC = MediaType.create("application", "grpc");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    /** What the server's {@code auth.*} settings say. */
    public record Settings(boolean enabled, boolean openHealth, boolean openMetrics) {}

    private final Settings settings;
    private final AccessPolicy policy;
    private final Authenticator authenticator;
    private final AuditTrail audit;
    private final Counter refused;
    private final Counter auditFailures;

    public AccessGuard(Settings settings, AccessPolicy policy, Authenticator authenticator, AuditTrail audit,
            MeterRegistry meters) {
        this.settings = requireNonNull(settings, "settings is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.refused = Counter.builder("carrara.access.refused").description("calls refused by the access guard")
                .register(meters);
        this.auditFailures = Counter.builder("carrara.audit.failures")
                .description("audit records that could not be written (the server log has each)").register(meters);
    }

    /** Who the current request is from; authentication off: an unrestricted principal. */
    public static Principal caller(ServiceRequestContext ctx) {
        Principal principal = ctx.attr(PRINCIPAL);
        if (principal == null) {
            throw new IllegalStateException("no access decision for " + ctx.method() + " " + ctx.path()
                    + ": the access guard does not decorate this service");
        }
        return principal;
    }

    /** Who the current request is from, for services that do not take the context as a parameter. */
    public static Principal caller() {
        return caller(ServiceRequestContext.current());
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (ctx.config().route().isFallback()) {
            // No service matched: the fallback only answers 404 or 405, in the API's error shape.
            ctx.setAttr(PRINCIPAL, Principal.anonymous());
            return delegate.serve(ctx, req);
        }
        String pattern = ctx.config().route().patternString();
        Optional<Requirement> declared = requirementOf(ctx.method().name(), ctx.config().route());
        if (declared.isEmpty()) {
            log.atError().setMessage("a route has no declared access requirement; refused")
                    .addKeyValue("route", ctx.method() + " " + pattern).log();
            return refuse(ctx, Principal.anonymous(), null, new CarraraException(StandardErrorCode.INTERNAL_ERROR,
                    "this endpoint has no declared access requirement; it is refused until it has one", null));
        }
        Requirement requirement = declared.get();
        if (!settings.enabled()) {
            Principal principal = Principal.unrestricted(req.headers().get("X-Carrara-User"));
            return admit(delegate, ctx, req, requirement, principal, null);
        }
        if (open(requirement)) {
            ctx.setAttr(PRINCIPAL, Principal.anonymous());
            return delegate.serve(ctx, req);
        }
        if (requirement.needsBody()) {
            // Services are called on the event loop, as without the guard; only the decision may block.
            return HttpResponse.of(req.aggregate().thenCompose(aggregated -> onEventLoop(ctx, () -> {
                JsonNode body = null;
                if (!isGrpc(ctx)) {
                    try {
                        body = aggregated.content().isEmpty() ? null : RegistryJson.mapper().readTree(aggregated.contentUtf8());
                    } catch (java.io.IOException e) {
                        body = null;     // the service names what is wrong with the body
                    }
                }
                JsonNode parsed = body;
                byte[] raw = aggregated.content().array();
                // What is cached decides here (a gRPC inference call of a known deployment); the rest off the event loop.
                Decision cached = decide(ctx, requirement, parsed, raw, false);
                if (cached != null) {
                    return CompletableFuture.completedFuture(act(delegate, ctx, aggregated.toHttpRequest(), requirement, cached));
                }
                return CompletableFuture.supplyAsync(() -> decide(ctx, requirement, parsed, raw, true), ctx.blockingTaskExecutor())
                        .thenApplyAsync(decision -> act(delegate, ctx, aggregated.toHttpRequest(), requirement, decision),
                                ctx.eventLoop());
            })));
        }
        Decision decision = decide(ctx, requirement, null, null, false);
        if (decision != null) {
            return act(delegate, ctx, req, requirement, decision);
        }
        // The decision reads the database off the event loop; the service is then called back on the event loop, as
        // without the guard (called from a blocking thread, a streamed request was now and then never answered).
        return HttpResponse.of(CompletableFuture.supplyAsync(() -> decide(ctx, requirement, null, null, true),
                        ctx.blockingTaskExecutor())
                .thenApplyAsync(blocked -> act(delegate, ctx, req, requirement, blocked), ctx.eventLoop()));
    }

    /**
     * {@code step} on the request's event loop: at once when this thread is it (a request whose body had arrived), else
     * as a task there. Running inline saves a task hop per call on the gRPC path.
     */
    private static <T> CompletableFuture<T> onEventLoop(ServiceRequestContext ctx, java.util.function.Supplier<CompletableFuture<T>> step) {
        if (ctx.eventLoop().inEventLoop()) {
            return step.get();
        }
        return CompletableFuture.supplyAsync(step, ctx.eventLoop()).thenCompose(java.util.function.Function.identity());
    }

    /** What the policy requires of {@code method} on {@code route}, if it declares it. */
    public Optional<Requirement> requirementOf(String method, com.linecorp.armeria.server.Route route) {
        return policy.requirement(method, route.patternString());
    }

    private boolean open(Requirement requirement) {
        return requirement.kind() == Kind.OPEN || requirement.kind() == Kind.HEALTH && settings.openHealth()
                || requirement.kind() == Kind.METRICS && settings.openMetrics();
    }

    /** Admitted with a principal, or refused with the reason (and who, as far as known). */
    private record Decision(Principal principal, String project, CarraraException refusal) {}

    /** The decision, or null when it needs the database and {@code mayBlock} is false. */
    private Decision decide(ServiceRequestContext ctx, Requirement requirement, JsonNode body, byte[] raw, boolean mayBlock) {
        Principal principal;
        try {
            Optional<Principal> found = authenticator.authenticate(ctx.request().headers().get(HttpHeaderNames.AUTHORIZATION),
                    address(ctx), mayBlock);
            if (found == null) {
                return null;
            }
            if (found.isEmpty()) {
                if (requirement.anonymous() != null) {
                    Boolean open = requirement.anonymous().allows(
                            new Facts(ctx.pathParams(), ctx.queryParams(), body, raw, Principal.anonymous()), mayBlock);
                    if (open == null) {
                        return null;
                    }
                    if (open) {
                        return new Decision(Principal.anonymous(), null, null);
                    }
                }
                return new Decision(Principal.anonymous(), null, Authenticator.unauthenticated("this call needs a token"));
            }
            principal = found.get();
        } catch (CarraraException e) {
            return new Decision(Principal.anonymous(), null, e);
        }
        Facts facts = new Facts(ctx.pathParams(), ctx.queryParams(), body, raw, principal);
        switch (requirement.kind()) {
            case OPEN, HEALTH, METRICS, USER:
                return new Decision(principal, null, null);
            case ADMIN:
                return principal.isAdmin() ? new Decision(principal, null, null)
                        : new Decision(principal, null, denied("only server admins may do this; " + principal.user() + " is not"
                                + (principal.admin() ? " with a token scoped to a project" : " one")));
            case SELF: {
                Set<String> subjects = requirement.target().resolve(facts, mayBlock);
                if (subjects == null) {
                    return null;
                }
                boolean self = subjects.stream().allMatch(principal.user()::equals);
                return self || principal.isAdmin() ? new Decision(principal, null, null)
                        : new Decision(principal, null, denied("only server admins may do this for another user than "
                                + principal.user()));
            }
            case PROJECT: {
                Set<String> projects = requirement.target().resolve(facts, mayBlock);
                if (projects == null) {
                    return null;
                }
                String first = projects.isEmpty() ? null : projects.iterator().next();
                for (String project : projects) {
                    if (!principal.has(project, requirement.role())) {
                        return new Decision(principal, project, denied(deniedMessage(principal, project, requirement.role())));
                    }
                }
                return new Decision(principal, first, null);
            }
            case ROLES: {
                Map<String, Role> needed = requirement.roles().resolve(facts, mayBlock);
                if (needed == null) {
                    return null;
                }
                for (Map.Entry<String, Role> need : needed.entrySet()) {
                    if (!principal.has(need.getKey(), need.getValue())) {
                        return new Decision(principal, need.getKey(), denied(deniedMessage(principal, need.getKey(), need.getValue())));
                    }
                }
                return new Decision(principal, needed.isEmpty() ? null : needed.keySet().iterator().next(), null);
            }
            default:
                throw new IllegalStateException("unknown kind " + requirement.kind());
        }
    }

    private static String deniedMessage(Principal principal, String project, Role role) {
        Optional<Role> held = principal.roleIn(project);
        return "this needs the " + role.wireName() + " role in project '" + project + "'; " + principal.user() + " has "
                + held.map(own -> "the " + own.wireName() + " role").orElse("no role")
                + (principal.token() != null && principal.token().project() != null
                        ? " with this token (scoped to project '" + principal.token().project() + "')" : "")
                + " there; a member with the manage role can grant it (carrara project grant)";
    }

    private static CarraraException denied(String message) {
        return new CarraraException(StandardErrorCode.PERMISSION_DENIED, message, null);
    }

    private HttpResponse act(HttpService delegate, ServiceRequestContext ctx, HttpRequest req, Requirement requirement,
            Decision decision) {
        if (decision.refusal() != null) {
            return refuse(ctx, decision.principal(), decision.project(), decision.refusal());
        }
        return admit(delegate, ctx, req, requirement, decision.principal(), decision.project());
    }

    private HttpResponse admit(HttpService delegate, ServiceRequestContext ctx, HttpRequest req, Requirement requirement,
            Principal principal, String project) {
        ctx.setAttr(PRINCIPAL, principal);
        if (requirement.audited()) {
            ctx.setAttr(PROJECT, project != null ? project : ctx.pathParam("project"));
            ctx.log().whenComplete().thenAcceptAsync(log -> record(ctx, log, principal, requirement, null),
                    ctx.blockingTaskExecutor());
        }
        try {
            return delegate.serve(ctx, req);
        } catch (Exception e) {
            return HttpResponse.ofFailure(e);
        }
    }

    private HttpResponse refuse(ServiceRequestContext ctx, Principal principal, String project, CarraraException refusal) {
        refused.increment();
        ctx.setAttr(PRINCIPAL, principal);
        ctx.setAttr(PROJECT, project != null ? project : ctx.pathParam("project"));
        ErrorCode code = refusal.errorCode();
        ctx.log().whenComplete().thenAcceptAsync(log -> record(ctx, log, principal, null, code.name()), ctx.blockingTaskExecutor());
        if (isGrpc(ctx)) {
            int grpcStatus = switch (code.type()) {
                case UNAUTHENTICATED -> 16;
                case FORBIDDEN -> 7;
                case TOO_MANY_REQUESTS -> 8;
                default -> 13;
            };
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(GRPC)
                    .add("grpc-status", Integer.toString(grpcStatus))
                    .add("grpc-message", percentEncode(refusal.getMessage())).build());
        }
        ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.valueOf(code.type().httpStatus()))
                .contentType(MediaType.JSON_UTF_8);
        if (code.type() == io.carrara.spi.error.ErrorType.UNAUTHENTICATED) {
            headers.add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"carrara\"");
        }
        if (code.type() == io.carrara.spi.error.ErrorType.TOO_MANY_REQUESTS) {
            headers.add(HttpHeaderNames.RETRY_AFTER, "60");
        }
        return HttpResponse.of(headers.build(), HttpData.ofUtf8(ApiErrors.body(code, refusal.getMessage(),
                refusal.field().orElse(null))));
    }

    private void record(ServiceRequestContext ctx, RequestLog log, Principal principal, Requirement requirement,
            String refusalCode) {
        int status = log.responseHeaders().status().code();
        String reason = refusalCode != null ? refusalCode : ctx.attr(ApiErrors.ERROR_CODE);
        String outcome = refusalCode != null ? "refused" : status < 400 ? "succeeded" : "failed";
        String object = requirement == null || requirement.object() == null ? null : object(requirement.object(), ctx.pathParams());
        AuditRecord record = new AuditRecord(0, DatabaseTimes.now(), principal.user(),
                principal.token() == null ? null : principal.token().id(),
                ctx.method() + " " + ctx.path(), ctx.attr(PROJECT), object, address(ctx), status, outcome, reason);
        try {
            audit.append(record);
        } catch (RuntimeException e) {
            auditFailures.increment();
            AccessGuard.log.atError().setMessage("cannot write an audit record").addKeyValue("record", record)
                    .addKeyValue("error", e.getMessage()).log();
        }
    }

    private static String object(String template, Map<String, String> params) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(params.getOrDefault(matcher.group(1), "?")));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean isGrpc(ServiceRequestContext ctx) {
        MediaType type = ctx.request().contentType();
        return type != null && "application".equals(type.type()) && type.subtype().startsWith("grpc");
    }

    private static String address(ServiceRequestContext ctx) {
        return ctx.clientAddress().getHostAddress();
    }

    /** gRPC's grpc-message encoding: printable ASCII but '%' as is, everything else percent-encoded UTF-8. */
    private static String percentEncode(String message) {
        StringBuilder out = new StringBuilder();
        for (byte b : message.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if (b >= 0x20 && b < 0x7f && b != '%') {
                out.append((char) b);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
