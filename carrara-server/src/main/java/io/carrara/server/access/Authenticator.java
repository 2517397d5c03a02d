package io.carrara.server.access;

import static java.util.Objects.requireNonNull;

import io.carrara.api.access.Role;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an {@code Authorization: Bearer TOKEN} header into a {@link Principal}. What a token stands for
 * (its state, its user, the user's roles) is read from the database once and kept for {@code cacheFor}, so
 * the check costs a hash lookup per request and a revocation, a disabled user or a changed role takes effect
 * within {@code cacheFor}. Failed authentications are counted per client address: past
 * {@code maxFailuresPerMinute} in a minute the address is refused for the rest of that minute.
 */
public final class Authenticator {
    /** The most tokens kept in memory; past it the cache starts over (a flood of random tokens cannot grow it). */
    static final int MAX_CACHED = 10_000;

    private final AccessStore store;
    private final Optional<OidcVerifier> oidc;
    private final Duration cacheFor;
    private final int maxFailuresPerMinute;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Renewals<String> renewals = new Renewals<>();
    /** Counts {@link #invalidate} calls: a renewal that began before one does not store what it read. */
    private final java.util.concurrent.atomic.AtomicLong invalidations = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    /** What a secret stood for when it was read: a principal (valid until {@code expiresAt}), or why it is refused. */
    private record Cached(Principal principal, String refusal, Instant readAt, Instant expiresAt) {}

    private static final class Failures {
        long minute;
        int count;
    }

    public Authenticator(AccessStore store, Duration cacheFor, int maxFailuresPerMinute, Clock clock) {
        this(store, Optional.empty(), cacheFor, maxFailuresPerMinute, clock);
    }

    /** @param oidc bearer JWTs of an OpenID Connect issuer, besides the server's own tokens */
    public Authenticator(AccessStore store, Optional<OidcVerifier> oidc, Duration cacheFor, int maxFailuresPerMinute,
            Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.oidc = requireNonNull(oidc, "oidc is null");
        this.cacheFor = requireNonNull(cacheFor, "cacheFor is null");
        this.maxFailuresPerMinute = maxFailuresPerMinute;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The bearer token in an Authorization header value, or empty when there is none. */
    public static Optional<String> bearer(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        String value = authorization.strip();
        if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(value.substring(7).strip());
        }
        return Optional.of("");
    }

    /**
     * The principal of a request from {@code address} carrying {@code authorization}, or empty when it carries
     * none. Throws UNAUTHENTICATED for credentials that are refused, TOO_MANY_FAILED_AUTHENTICATIONS when the
     * address failed too often. {@code mayBlock}: whether the database may be read now; when false and the
     * token is not in the cache, answers null (the caller retries off the event loop).
     */
    public Optional<Principal> authenticate(String authorization, String address, boolean mayBlock) {
        Optional<String> bearer = bearer(authorization);
        if (bearer.isEmpty()) {
            return Optional.empty();
        }
        checkNotLocked(address);
        String secret = bearer.get();
        if (secret.isEmpty()) {
            throw refuse(address, "the Authorization header must be 'Bearer TOKEN'");
        }
        // Keyed by the secret itself, which every request carries anyway: a hit costs no digest (the database keeps
        // only the hash, so a leaked database leaks no token).
        Instant now = clock.instant();
        Cached cached = cache.get(secret);
        if (cached != null && cached.readAt().plus(cacheFor).isBefore(now)
                && !cached.readAt().plus(cacheFor.multipliedBy(2)).isBefore(now)) {
            // Stale but recent: answered as it is while one background read renews it (a revocation is seen then).
            long generation = invalidations.get();
            renewals.renew(secret, () -> {
                Cached renewed = read(secret, clock.instant());
                if (invalidations.get() == generation) {   // not read before a change this server made since
                    remember(secret, renewed);
                }
            });
        } else if (cached == null || cached.readAt().plus(cacheFor).isBefore(now)) {
            if (!mayBlock) {
                return null;
            }
            cached = read(secret, now);
            remember(secret, cached);
        }
        if (cached.refusal() != null) {
            throw refuse(address, cached.refusal());
        }
        if (!cached.expiresAt().isAfter(now)) {
            throw refuse(address, "the token expired at " + cached.expiresAt() + "; create a new one");
        }
        return Optional.of(cached.principal());
    }

    private void remember(String secret, Cached cached) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(secret, cached);
    }

    /** Forgets what is cached, e.g. after a change made through this server, so it takes effect at once. */
    public void invalidate() {
        invalidations.incrementAndGet();
        cache.clear();
    }

    private Cached read(String secret, Instant now) {
        if (!secret.startsWith(AccessStore.TOKEN_PREFIX) && oidc.isPresent() && OidcVerifier.looksLikeJwt(secret)) {
            return readJwt(secret, now);
        }
        Optional<AccessStore.TokenOwner> found = store.findToken(secret);
        if (found.isEmpty()) {
            return refused("the token is not known to this server", now);
        }
        AccessStore.TokenOwner owner = found.get();
        if (owner.token().revokedAt() != null) {
            return refused("the token was revoked at " + owner.token().revokedAt(), now);
        }
        if (owner.user().disabled()) {
            return refused("user '" + owner.user().name() + "' is disabled", now);
        }
        Map<String, Role> roles = store.rolesOf(owner.user().name(), owner.user().groups());
        store.touch(owner.token().id(), DatabaseTimes.now());
        return new Cached(new Principal(owner.user().name(), owner.user().admin(), owner.user().groups(), owner.token(), roles,
                false), null, now, owner.token().expiresAt());
    }

    /** An OpenID Connect identity; a user of the same name that is disabled here is refused. */
    private Cached readJwt(String jwt, Instant now) {
        OidcVerifier.Identity identity;
        try {
            identity = oidc.get().verify(jwt);
        } catch (CarraraException e) {
            if (e.errorCode() == StandardErrorCode.UNAVAILABLE.toErrorCode()) {
                throw e;    // not the caller's fault, and not to be cached
            }
            return refused(e.getMessage().replace("; send 'Authorization: Bearer TOKEN'", ""), now);
        }
        Optional<io.carrara.api.access.User> local = store.findUser(identity.user());
        if (local.isPresent() && local.get().disabled()) {
            return refused("user '" + identity.user() + "' is disabled", now);
        }
        java.util.List<String> groups = new java.util.ArrayList<>(identity.groups());
        local.ifPresent(user -> user.groups().stream().filter(group -> !groups.contains(group)).forEach(groups::add));
        boolean admin = identity.admin() || local.map(io.carrara.api.access.User::admin).orElse(false);
        return new Cached(new Principal(identity.user(), admin, groups, null, store.rolesOf(identity.user(), groups), false),
                null, now, identity.expiresAt());
    }

    private static Cached refused(String reason, Instant now) {
        return new Cached(null, reason, now, Instant.MAX);
    }

    private void checkNotLocked(String address) {
        Failures counted = failures.get(address);
        if (counted == null) {
            return;
        }
        long minute = clock.millis() / 60_000;
        synchronized (counted) {
            if (counted.minute == minute && counted.count >= maxFailuresPerMinute) {
                long retryAfter = 60 - (clock.millis() / 1000) % 60;
                throw new CarraraException(StandardErrorCode.TOO_MANY_FAILED_AUTHENTICATIONS, "too many failed authentications"
                        + " from " + address + "; try again in " + retryAfter + " s", "Authorization");
            }
        }
    }

    private CarraraException refuse(String address, String reason) {
        long minute = clock.millis() / 60_000;
        if (failures.size() >= MAX_CACHED) {
            failures.clear();
        }
        Failures counted = failures.computeIfAbsent(address, ignored -> new Failures());
        synchronized (counted) {
            if (counted.minute != minute) {
                counted.minute = minute;
                counted.count = 0;
            }
            counted.count++;
        }
        return unauthenticated(reason);
    }

    static CarraraException unauthenticated(String reason) {
        return new CarraraException(StandardErrorCode.UNAUTHENTICATED, reason + "; send 'Authorization: Bearer TOKEN'",
                "Authorization");
    }
}
