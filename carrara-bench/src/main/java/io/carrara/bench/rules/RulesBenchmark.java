package io.carrara.bench.rules;

import io.carrara.registry.ModelRegistry;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import io.carrara.server.rules.RuleEngine;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 15's benchmark: an in-process server on H2 or PostgreSQL with {@code --rules} active rules of a realistic mix
 * of {@code given} filters, fed metric events through the registry. (1) Throughput: {@code --events} metrics
 * recorded with the engine stopped, then drained by the engine: rule evaluations per second (events times active
 * rules, each rule's {@code given} at least). (2) Latency: the engine running (polling every {@code rules.pollMillis}),
 * metrics recorded at {@code --rate} per second for {@code --seconds}; for every action the rules took, the time from
 * the event's commit to the action's end (rule_actions.finished_at - events.created_at).
 */
@Command(name = "rules-benchmark", mixinStandardHelpOptions = true,
        description = "Rule evaluations per second and event-to-action latency of the rules engine, on H2 or PostgreSQL.")
public final class RulesBenchmark implements Callable<Integer> {
    @Option(names = "--database-url", description = "JDBC URL of an empty database (default: embedded H2 under a temporary home).")
    String databaseUrl;

    @Option(names = "--database-user", defaultValue = "")
    String databaseUser;

    @Option(names = "--rules", defaultValue = "1000")
    int rules;

    @Option(names = "--models", defaultValue = "100")
    int models;

    @Option(names = "--events", defaultValue = "2000", description = "Events for the throughput run.")
    int events;

    @Option(names = "--rate", defaultValue = "50", description = "Events per second in the latency run.")
    int rate;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of the latency run.")
    int seconds;

    @Option(names = "--fire-rate", defaultValue = "0.05",
            description = "Share of the events a matching 'one model' rule fires on (its condition holds), 0 to 1.")
    double fireRate;

    @Option(names = "--poll-millis", defaultValue = "200", description = "rules.pollMillis (the server's default is 200).")
    int pollMillis;

    @Option(names = "--model-dir", defaultValue = "carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression/model",
            description = "A saved Spark pipeline uploaded as every model's instance.")
    Path modelDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RulesBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path home = Files.createTempDirectory("carrara-rules-bench");
        Map<String, String> settings = new LinkedHashMap<>(Map.of("port", "0", "rules.enabled", "false",
                "rules.pollMillis", Integer.toString(pollMillis), "log.access", "false"));
        if (databaseUrl != null) {
            settings.put("database.url", databaseUrl);
            settings.put("database.user", databaseUser);
        }
        Random random = new Random(42);
        try (CarraraServer server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), settings))
                .withAuth(ServerConfig.Auth.OFF))) {
            ModelRegistry registry = server.registry();
            List<Instance> instances = uploadModels(registry);
            Path rulesDir = Files.createDirectories(home.resolve("rules"));
            Map<String, Integer> mix = writeRules(rulesDir, random);
            var sync = server.rules().sync().sync(rulesDir.toString(), null, "bench");
            RuleEngine engine = server.rules().engine();
            engine.reload();
            engine.evaluatePending();   // the start: rules act on events from here on
            System.out.printf(Locale.ROOT, "## Rules engine, %s%n%n", databaseUrl == null ? "H2 (embedded)" : databaseUrl);
            System.out.printf(Locale.ROOT, "- %d active rules (%s), %s; %d models with one instance each; a matching rule fires on"
                    + " %.0f %% of its events; rules.pollMillis %d%n", sync.activated().size(), mix, sync.message(), models,
                    fireRate * 100, pollMillis);

            // (1) Throughput: events recorded first, then drained.
            for (int i = 0; i < events; i++) {
                record(registry, instances.get(random.nextInt(instances.size())), random);
            }
            long start = System.nanoTime();
            int drained = 0;
            for (int handled = engine.evaluatePending(); handled > 0; handled = engine.evaluatePending()) {
                drained += handled;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long ruleEvaluations = (long) drained * sync.activated().size();
            System.out.printf(Locale.ROOT, "- throughput: %d events drained in %.2f s: %.0f events/s, %.0f rule evaluations/s%n",
                    drained, elapsed, drained / elapsed, ruleEvaluations / elapsed);

            // (2) Latency: the engine running, events at a fixed rate.
            long phaseStart = maxEventId(server);
            engine.start();
            long begin = System.nanoTime();
            int total = rate * seconds;
            for (int i = 0; i < total; i++) {
                long due = begin + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                record(registry, instances.get(random.nextInt(instances.size())), random);
            }
            Thread.sleep(3_000);
            double[] latencies = latencies(server, phaseStart);
            Arrays.sort(latencies);
            System.out.printf(Locale.ROOT, "- latency at %d events/s for %d s: %d actions, event commit to action end p50 %.1f ms,"
                    + " p99 %.1f ms, max %.1f ms%n", rate, seconds, latencies.length, quantile(latencies, 0.5),
                    quantile(latencies, 0.99), latencies.length == 0 ? 0 : latencies[latencies.length - 1]);
        }
        return 0;
    }

    private List<Instance> uploadModels(ModelRegistry registry) throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelArchive.pack(modelDir, zip);
        byte[] bytes = zip.toByteArray();
        registry.createProject(new NewProject("bench", null), "bench");
        List<Instance> instances = new ArrayList<>();
        for (int m = 0; m < models; m++) {
            ModelRef ref = registry.createModel("bench", NewModel.named("m" + m), "bench").ref();
            StoredBlob blob = registry.blobStore().put(new ByteArrayInputStream(bytes), Long.MAX_VALUE);
            instances.add(registry.createInstance(ref, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "spark-pipeline",
                    "zip"), Map.of("trainingRows", Integer.toString(1_000_000 + m)), null), "bench"));
        }
        return instances;
    }

    /**
     * The mix: 60 % watch one model's validation metrics and fire (an alert) on {@code --fire-rate} of them; 20 % watch a metric
     * name the events do not carry; 10 % watch deprecations; 10 % compare with what one of ten deployments serves (none exists here).
     */
    private Map<String, Integer> writeRules(Path dir, Random random) throws Exception {
        Map<String, Integer> mix = new LinkedHashMap<>();
        for (int r = 0; r < rules; r++) {
            int kind = r % 10;
            String given;
            String when;
            String label;
            if (kind < 6) {
                label = "one model, fires";
                given = "event.type == 'metric.recorded' && instance.model == 'bench/m" + random.nextInt(models)
                        + "' && metric.scope == 'validation'";
                // Events record an MAE uniform in [1, 6): the condition holds on fireRate of them.
                when = String.format(Locale.ROOT, "metric('validation', 'mae') < %.4f && meta.trainingRows >= 1000000",
                        1 + 5 * fireRate);
            } else if (kind < 8) {
                label = "other metric";
                given = "event.type == 'metric.recorded' && metric.name == 'auc'";
                when = "metric.value > 0.9";
            } else if (kind < 9) {
                label = "deprecations";
                given = "event.type == 'instance.deprecated' && instance.project == 'bench'";
                when = "true";
            } else {
                label = "versus served";
                given = "event.type == 'metric.recorded' && metric.scope == 'validation'";
                // Ten deployments compared against, none of which exists here (served(...) is null: the rule does not fire).
                when = "metric('validation', 'mae') < served('deployment-" + (r % 10) + "').metric('validation', 'mae')";
            }
            mix.merge(label, 1, Integer::sum);
            Files.writeString(dir.resolve("rule-" + r + ".yaml"), "name: rule-" + r + "\ngiven: " + given + "\nwhen: " + when
                    + "\nthen:\n  - alert: {message: \"rule " + r + " on ${instance.id}\", severity: info}\n");
        }
        return mix;
    }

    private static void record(ModelRegistry registry, Instance instance, Random random) {
        registry.addMetric(instance.id(), new NewMetric("mae", "validation", 1 + random.nextDouble() * 5, null, null), "bench");
    }

    private static long maxEventId(CarraraServer server) throws Exception {
        try (Connection connection = server.registryDatabase().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT COALESCE(MAX(event_id), 0) FROM events");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double[] latencies(CarraraServer server, long after) throws Exception {
        List<Double> values = new ArrayList<>();
        try (Connection connection = server.registryDatabase().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT e.created_at, a.finished_at FROM rule_actions a JOIN events e ON e.event_id = a.event_id
                        WHERE a.event_id > ? AND a.finished_at IS NOT NULL""")) {
            statement.setLong(1, after);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Timestamp created = rs.getTimestamp(1);
                    Timestamp finished = rs.getTimestamp(2);
                    values.add(Duration.between(created.toInstant(), finished.toInstant()).toNanos() / 1e6);
                }
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
