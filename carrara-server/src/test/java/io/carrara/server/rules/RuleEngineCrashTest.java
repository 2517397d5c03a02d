package io.carrara.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.rules.evaluation.RuleEvaluator;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import io.carrara.rules.parse.RuleParser;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.net.OutboundAddressPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server that dies in the middle of a rule's actions: the event's claim is taken over by another server after the
 * lease, the action that had finished is not done again, the one under way is (deploying is idempotent), and the
 * evaluation is recorded once.
 */
class RuleEngineCrashTest {
    private static final UUID INSTANCE = UUID.fromString("00000000-0000-0000-0000-0000000000aa");

    static final String TWO_DEPLOYS = """
            name: two-deploys
            given: event.type == 'metric.recorded'
            then:
              - deploy: {deployment: first, instance: "${instance.id}"}
              - deploy: {deployment: second, instance: "${instance.id}"}
            """;

    /** Stands for the process dying: not an exception the engine handles. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void aTakenOverEventRepeatsOnlyTheActionThatWasUnderWay() throws Exception {
        try (TestDatabases.TestDatabase test = TestDatabases.create(DatabaseDialect.H2);
                RegistryDatabase database = RegistryDatabase.open(test.config())) {
            RuleStore store = new RuleStore(database);
            store.storeVersions("c1", List.of(new RuleStore.NewVersion("two-deploys", "two.yaml", "action", TWO_DEPLOYS, 0, 0, "")),
                    Set.of("two-deploys"), true);
            List<String> deployed = new CopyOnWriteArrayList<>();
            boolean[] crashOnSecond = {true};
            RuleEngine.Actions actions = new RuleEngine.Actions() {
                @Override
                public String deploy(String deployment, UUID instance, String actor) {
                    if (deployment.equals("second") && crashOnSecond[0]) {
                        throw new Crash();
                    }
                    deployed.add(deployment + " by " + actor);
                    return "deployed " + deployment;
                }

                @Override
                public String undeploy(String deployment, String actor) {
                    throw new AssertionError("not expected");
                }

                @Override
                public String deprecate(UUID instance, String reason, String actor) {
                    throw new AssertionError("not expected");
                }

                @Override
                public Optional<UUID> select(io.carrara.rules.SelectionRule rule) {
                    throw new AssertionError("not expected");
                }

                @Override
                public String annotate(UUID instance, String key, String value, String actor) {
                    throw new AssertionError("not expected");
                }

                @Override
                public String deploy(String deployment, io.carrara.registry.deploy.Routing routing, String actor) {
                    throw new AssertionError("not expected");
                }

                @Override
                public Optional<io.carrara.registry.deploy.Routing> routing(String deployment) {
                    return Optional.empty();
                }
            };
            RuleEngine a = engine(database, store, actions, "a", Duration.ofSeconds(60));
            RuleEngine b = engine(database, store, actions, "b", Duration.ZERO);
            a.evaluatePending();   // the start: events from here on
            long event = insertMetricEvent(database);

            assertThatThrownBy(a::evaluatePending).isInstanceOf(Crash.class);
            assertThat(deployed).containsExactly("first by rule:two-deploys@c1");
            assertThat(store.evaluations("two-deploys", null, false, 10)).isEmpty();

            crashOnSecond[0] = false;
            Thread.sleep(20);
            assertThat(b.evaluatePending()).isEqualTo(1);
            assertThat(deployed).containsExactly("first by rule:two-deploys@c1", "second by rule:two-deploys@c1");
            List<RuleEvaluationInfo> evaluations = store.evaluations("two-deploys", null, false, 10);
            assertThat(evaluations).hasSize(1);
            assertThat(evaluations.get(0).eventId()).isEqualTo(event);
            assertThat(evaluations.get(0).actions()).extracting(action -> action.kind() + ":" + action.outcome())
                    .containsExactly("deploy:done", "deploy:done");
            Thread.sleep(20);
            assertThat(b.evaluatePending()).as("the event is finished").isZero();
            a.close();
            b.close();
        }
    }

    private static RuleEngine engine(RegistryDatabase database, RuleStore store, RuleEngine.Actions actions, String server,
            Duration lease) {
        // A generous limit: the first evaluation in a loaded JVM loads classes, and this test is about crashes.
        ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS.withTimeout(Duration.ofSeconds(10)));
        RuleFactsProvider facts = new RuleFactsProvider() {
            @Override
            public Optional<InstanceFacts> instance(UUID id) {
                return Optional.of(new InstanceFacts(id, new ModelRef("maps", "eta"), 1, Instant.parse("2026-12-01T00:00:00Z"),
                        "alice", "spark-pipeline", false, Map.of(), Map.of()));
            }

            @Override
            public Optional<InstanceFacts> served(String deployment) {
                return Optional.empty();
            }

            @Override
            public boolean hasSecret(String name) {
                return false;
            }
        };
        WebhookSender sender = new WebhookSender(OutboundAddressPolicy.PUBLIC_ONLY, 1, Duration.ofMillis(1), Duration.ofMillis(1));
        return new RuleEngine(store, new RuleParser(sandbox), new RuleEvaluator(sandbox), facts, actions, sender,
                new io.carrara.server.alerts.Alerts(new io.carrara.server.alerts.AlertWebhookStore(database), sender,
                        new SimpleMeterRegistry()), name -> null,
                new RuleEngine.Settings(server, Duration.ofSeconds(1), lease, Duration.ofSeconds(60)), new SimpleMeterRegistry());
    }

    private static long insertMetricEvent(RegistryDatabase database) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("""
                        INSERT INTO events (event_type, project, model, instance_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)""")
                .bind(0, "metric.recorded").bind(1, "maps").bind(2, "eta").bind(3, INSTANCE.toString())
                .bind(4, "{\"metricId\":1,\"name\":\"mae\",\"scope\":\"validation\",\"value\":4.5}")
                .bind(5, DatabaseTimes.toDb(DatabaseTimes.now())).executeAndReturnGeneratedKeys("event_id").mapTo(Long.class).one());
    }
}
