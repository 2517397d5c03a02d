package io.carrara.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.api.access.CreatedToken;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.spi.error.CarraraException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The token cache: a fresh entry answers without the database; a stale one (older than the cache time, younger than
 * twice it) still answers at once while one background read renews it, and the renewal brings a revocation in; an
 * entry older than that must be read again (so a request that may not block is told so).
 */
class AuthenticatorTest {
    private static final Duration CACHE = Duration.ofSeconds(5);

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-07T12:00:00Z");

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aStaleEntryAnswersWhileItIsRenewed() throws Exception {
        try (TestDatabases.TestDatabase test = TestDatabases.create(DatabaseDialect.H2);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            AccessStore store = new AccessStore(database);
            store.createUser("bob", false, List.of(), "tests");
            CreatedToken token = store.createToken("bob", null, Duration.ofDays(1), null, null);
            MovingClock clock = new MovingClock();
            Authenticator authenticator = new Authenticator(store, CACHE, 100, clock);
            String header = "Bearer " + token.secret();

            assertThat(authenticator.authenticate(header, "127.0.0.1", false)).as("nothing cached yet: must read").isNull();
            assertThat(authenticator.authenticate(header, "127.0.0.1", true)).hasValueSatisfying(
                    principal -> assertThat(principal.user()).isEqualTo("bob"));

            // Stale: still answered without blocking, and renewed in the background, which reads the revocation.
            store.revokeToken(token.token().id());
            clock.move(CACHE.plusSeconds(1));
            assertThat(authenticator.authenticate(header, "127.0.0.1", false)).isPresent();
            assertThat(refusedWithin(authenticator, header, Duration.ofSeconds(5))).as("the renewal saw the revocation").isTrue();

            // Older than twice the cache time: read again, not answered from the cache.
            CreatedToken other = store.createToken("bob", null, Duration.ofDays(1), null, null);
            String otherHeader = "Bearer " + other.secret();
            assertThat(authenticator.authenticate(otherHeader, "127.0.0.1", true)).isPresent();
            clock.move(CACHE.multipliedBy(2).plusSeconds(1));
            assertThat(authenticator.authenticate(otherHeader, "127.0.0.1", false)).isNull();
        }
    }

    private static boolean refusedWithin(Authenticator authenticator, String header, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Optional<Principal> found = authenticator.authenticate(header, "127.0.0.1", false);
                assertThat(found).isNotNull();
            } catch (CarraraException e) {
                assertThat(e.getMessage()).contains("revoked");
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return false;
    }

    @Test
    void anInvalidationIsNotUndoneByARenewalUnderWay() throws Exception {
        try (TestDatabases.TestDatabase test = TestDatabases.create(DatabaseDialect.H2);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            AccessStore store = new AccessStore(database);
            store.createUser("carol", false, List.of(), "tests");
            CreatedToken token = store.createToken("carol", null, Duration.ofDays(1), null, null);
            MovingClock clock = new MovingClock();
            Authenticator authenticator = new Authenticator(store, CACHE, 100, clock);
            String header = "Bearer " + token.secret();
            authenticator.authenticate(header, "127.0.0.1", true);
            clock.move(CACHE.plusSeconds(1));
            authenticator.authenticate(header, "127.0.0.1", false);   // starts a renewal
            store.revokeToken(token.token().id());
            authenticator.invalidate();   // as a revocation through this server does
            TimeUnit.MILLISECONDS.sleep(200);   // the renewal has ended
            assertThatThrownBy(() -> authenticator.authenticate(header, "127.0.0.1", true)).isInstanceOf(CarraraException.class)
                    .hasMessageContaining("revoked");
        }
    }
}
