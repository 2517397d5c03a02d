package io.carrara.server.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.api.rules.RuleActionInfo;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleInfo;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.model.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules' tables on H2, PostgreSQL and MariaDB: two servers claiming the same events get each event once, a claim
 * left unfinished is taken over after its lease, evaluations are kept once per rule and event, and rule versions are
 * activated as a sync says.
 */
class RuleStoreTest {
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    @ParameterizedTest
    @EnumSource(DatabaseDialect.class)
    void twoServersClaimEachEventOnce(DatabaseDialect dialect) throws Exception {
        try (TestDatabases.TestDatabase test = TestDatabases.create(dialect);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            RuleStore store = new RuleStore(database);
            assertThat(store.claim("a", 10, LEASE, SETTLE)).as("events before rules start are not evaluated").isEmpty();
            List<Long> ids = insertEvents(database, 300);

            Set<Long> claimedByA = Collections.synchronizedSet(new HashSet<>());
            Set<Long> claimedByB = Collections.synchronizedSet(new HashSet<>());
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> drain(store, "a", claimedByA));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> drain(store, "b", claimedByB));
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);

            Set<Long> both = new HashSet<>(claimedByA);
            both.retainAll(claimedByB);
            assertThat(both).as("no event claimed twice").isEmpty();
            Set<Long> all = new HashSet<>(claimedByA);
            all.addAll(claimedByB);
            assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(store.claim("a", 10, LEASE, SETTLE)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseDialect.class)
    void anUnfinishedClaimIsTakenOverAfterItsLease(DatabaseDialect dialect) throws Exception {
        try (TestDatabases.TestDatabase test = TestDatabases.create(dialect);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            RuleStore store = new RuleStore(database);
            store.claim("a", 10, LEASE, SETTLE);
            long id = insertEvents(database, 1).get(0);
            assertThat(store.claim("dead", 10, LEASE, SETTLE)).extracting(Event::id).containsExactly(id);
            // Within the lease nobody else takes it; past it (a lease of zero here) another server does.
            assertThat(store.claim("b", 10, LEASE, SETTLE)).isEmpty();
            Thread.sleep(20);
            RuleStore.Claimed takenOver = store.claimEvents("b", 10, Duration.ZERO, SETTLE);
            assertThat(takenOver.events()).extracting(Event::id).containsExactly(id);
            assertThat(takenOver.retried()).as("a claim taken over is a retry").containsExactly(id);
            store.finish(id);
            Thread.sleep(20);
            assertThat(store.claim("c", 10, Duration.ZERO, SETTLE)).isEmpty();

            // Evaluations: once per rule and event; actions keep their state for a retry.
            RuleEvaluationInfo evaluation = new RuleEvaluationInfo(0, "r", "c1", id, "metric.recorded", UUID.randomUUID(),
                    DatabaseTimes.now(), true, true, false, List.of(new RuleActionInfo("deploy", Map.of("deployment", "eta"), "done",
                    "updated")), null, 120);
            store.record(evaluation);
            store.record(evaluation);
            assertThat(store.evaluations("r", null, false, 10)).hasSize(1).first()
                    .satisfies(found -> assertThat(found.actions().get(0).arguments()).containsEntry("deployment", "eta"));
            assertThat(store.evaluatedRules(id)).containsExactly("r");
            store.actionStarted("r", id, 0, "deploy");
            store.actionStarted("r", id, 0, "deploy");
            assertThat(store.action("r", id, 0)).hasValueSatisfying(state -> assertThat(state.state()).isEqualTo("running"));
            store.actionFinished("r", id, 0, "done", "deployment eta updated");
            assertThat(store.action("r", id, 0)).hasValueSatisfying(state -> assertThat(state.outcome()).contains("updated"));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseDialect.class)
    void anEventsEvaluationsAreWrittenWithItsEnd(DatabaseDialect dialect) {
        try (TestDatabases.TestDatabase test = TestDatabases.create(dialect);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            RuleStore store = new RuleStore(database);
            store.claim("a", 10, LEASE, SETTLE);
            List<Long> ids = insertEvents(database, 2);
            RuleStore.Claimed claimed = store.claimEvents("a", 10, LEASE, SETTLE);
            assertThat(claimed.events()).extracting(Event::id).containsExactlyElementsOf(ids);
            assertThat(claimed.retried()).as("fresh claims are no retries").isEmpty();

            store.finish(ids.get(0), List.of(matched("p", ids.get(0)), matched("q", ids.get(0))));
            assertThat(store.evaluatedRules(ids.get(0))).containsExactlyInAnyOrder("p", "q");
            // A retry that evaluates again a rule recorded before keeps the first record and writes the rest.
            store.record(matched("p", ids.get(1)));
            store.finish(ids.get(1), List.of(matched("p", ids.get(1)), matched("r", ids.get(1))));
            assertThat(store.evaluatedRules(ids.get(1))).containsExactlyInAnyOrder("p", "r");
            assertThat(store.evaluations("p", null, false, 10)).hasSize(2);
            assertThat(store.claim("b", 10, Duration.ZERO, SETTLE)).as("both claims finished").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseDialect.class)
    void aRenewedClaimIsNotTakenOver(DatabaseDialect dialect) throws Exception {
        try (TestDatabases.TestDatabase test = TestDatabases.create(dialect);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            RuleStore store = new RuleStore(database);
            store.claim("a", 10, LEASE, SETTLE);
            List<Long> ids = insertEvents(database, 2);
            assertThat(store.claim("slow", 10, LEASE, SETTLE)).hasSize(2);
            Thread.sleep(1_100);
            // The slow server renews its claims; another one with a lease of one second finds none to take over.
            assertThat(store.renew("slow", ids)).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(store.claim("b", 10, Duration.ofSeconds(1), SETTLE)).isEmpty();
            Thread.sleep(1_100);
            // Not renewed in time: taken over, and no longer the slow server's.
            assertThat(store.claim("b", 10, Duration.ofSeconds(1), SETTLE)).hasSize(2);
            store.finish(ids.get(0));
            assertThat(store.renew("slow", ids)).isEmpty();
            assertThat(store.renew("b", ids)).containsExactly(ids.get(1));
        }
    }

    private static RuleEvaluationInfo matched(String rule, long event) {
        return new RuleEvaluationInfo(0, rule, "c1", event, "metric.recorded", null, DatabaseTimes.now(), true, false, false,
                List.of(), null, 10);
    }

    @ParameterizedTest
    @EnumSource(DatabaseDialect.class)
    void versionsAreActivatedAsTheSyncSays(DatabaseDialect dialect) {
        try (TestDatabases.TestDatabase test = TestDatabases.create(dialect);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            RuleStore store = new RuleStore(database);
            store.storeVersions("c1", List.of(version("p"), version("q")), Set.of("p", "q"), true);
            store.storeVersions("c2", List.of(version("p"), version("q")), Set.of("q"), true);
            assertThat(store.activeRules()).extracting(rule -> rule.name() + "@" + rule.commit()).containsExactly("p@c1", "q@c2");
            assertThat(store.versions("p")).extracting(RuleInfo::commit).containsExactlyInAnyOrder("c1", "c2");
            store.storeVersions("c3", List.of(version("q")), Set.of("q"), true);
            assertThat(store.activeRules()).extracting(RuleInfo::name).containsExactly("q");
            long sync = store.syncStarted("https://example.com/r.git", "main", "alice");
            store.syncFinished(sync, "c3", "succeeded", "1 rule", List.of("q"), List.of(), List.of());
            assertThat(store.lastSucceededSync()).isEqualTo(sync);
            assertThat(store.sync(sync)).hasValueSatisfying(found -> assertThat(found.activated()).containsExactly("q"));
        }
    }

    private static RuleStore.NewVersion version(String name) {
        return new RuleStore.NewVersion(name, name + ".yaml", "action", "name: " + name + "\n", 1, 0, "PASS t\n");
    }

    private static void drain(RuleStore store, String server, Set<Long> claimed) {
        while (true) {
            List<Event> events = store.claim(server, 7, LEASE, SETTLE);
            if (events.isEmpty()) {
                return;
            }
            for (Event event : events) {
                claimed.add(event.id());
                store.finish(event.id());
            }
        }
    }

    private static List<Long> insertEvents(RegistryDatabase database, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(database.jdbi().withHandle(handle -> handle.createUpdate("""
                            INSERT INTO events (event_type, project, model, instance_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)""")
                    .bind(0, "metric.recorded").bind(1, "maps").bind(2, "eta").bind(3, (String) null).bind(4, "{}")
                    .bind(5, DatabaseTimes.toDb(DatabaseTimes.now())).executeAndReturnGeneratedKeys("event_id").mapTo(Long.class).one()));
        }
        return ids;
    }
}
