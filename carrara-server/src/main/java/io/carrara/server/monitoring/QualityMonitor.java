package io.carrara.server.monitoring;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.monitoring.quality.BinaryClassificationQuality;
import io.carrara.monitoring.quality.RegressionQuality;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.monitoring.MonitoringSettings;
import io.carrara.registry.monitoring.MonitoringTask;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the outcomes received since its last run with the prediction log and recomputes the quality of every window they
 * fall in (hourly and daily, by when the prediction was made), per deployment and instance; each window's metrics are
 * recorded on the instance as {@code production} metrics (a registry event each, so rules see them) and exported to
 * Prometheus. Incremental: only windows touched by new outcomes are recomputed, each from all of its joined rows, so a
 * late or corrected outcome updates its window. A deployment's run holds a lock on its cursor row, so that of several
 * servers on one database one computes a deployment at a time.
 */
public final class QualityMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QualityMonitor.class);

    /** A tumbling window: {@code name} in metric names and attributes ({@code 1h}, {@code 1d}), its length. */
    public record Window(String name, Duration length, boolean primary) {}

    /** The windows computed: daily (its metrics under their plain names, e.g. auc) and hourly (auc.1h). */
    public static final List<Window> WINDOWS = List.of(new Window("1d", Duration.ofDays(1), true),
            new Window("1h", Duration.ofHours(1), false));

    /** What one run did: per deployment, the windows it recomputed. */
    public record RunSummary(Map<String, Integer> windowsByDeployment) {}

    private final RegistryDatabase database;
    private final ModelRegistry registry;
    private final MeterRegistry meters;
    private final Duration settle;
    private final ScheduledExecutorService executor;
    private final Map<List<String>, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    public QualityMonitor(RegistryDatabase database, ModelRegistry registry, MeterRegistry meters, Duration settle) {
        this.database = requireNonNull(database, "database is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.settle = requireNonNull(settle, "settle is null");
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "carrara-monitoring");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs every {@code every} (not at all when zero). */
    public void start(Duration every) {
        if (every.isZero()) {
            return;
        }
        executor.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.atWarn().setMessage("a monitoring run failed; the next one retries").addKeyValue("error", e.toString()).log();
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Computes the windows of every monitored deployment that new outcomes touched. */
    public synchronized RunSummary runOnce() {
        List<MonitoringSettings> monitored = database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT deployment, task, updated_at, updated_by FROM deployment_monitoring ORDER BY deployment")
                .map((rs, ctx) -> new MonitoringSettings(rs.getString("deployment"),
                        MonitoringTask.fromWireName(rs.getString("task")).orElseThrow(),
                        fromDb(rs.getObject("updated_at", LocalDateTime.class)), rs.getString("updated_by")))
                .list());
        Map<String, Integer> done = new LinkedHashMap<>();
        for (MonitoringSettings settings : monitored) {
            try {
                done.put(settings.deployment(), run(settings));
            } catch (RuntimeException e) {
                // One deployment's failure (a metric the registry refuses, say) never stops the others.
                log.atWarn().setMessage("monitoring a deployment failed; retried at the next run")
                        .addKeyValue("deployment", settings.deployment()).addKeyValue("error", e.toString()).log();
            }
        }
        return new RunSummary(done);
    }

    private record Touched(UUID instance, Window window, Instant start) implements Comparable<Touched> {
        @Override
        public int compareTo(Touched other) {
            int byStart = start.compareTo(other.start);
            if (byStart != 0) {
                return byStart;
            }
            int byWindow = window.name().compareTo(other.window.name());
            return byWindow != 0 ? byWindow : instance.compareTo(other.instance);
        }
    }

    /** One deployment: under the lock of its cursor, the windows of the outcomes received since; answers how many. */
    private int run(MonitoringSettings settings) {
        String deployment = settings.deployment();
        return database.inTransaction(handle -> {
            Instant from = cursor(handle, deployment);
            Instant now = DatabaseTimes.now();
            // Everything received so far is read; the cursor stops settle short of now, so that a load committing just now
            // with an earlier time is read by the next run too (its windows are then computed again, to the same values).
            Instant until = now.minus(settle);
            if (!now.isAfter(from)) {
                return 0;
            }
            Set<Touched> touched = new TreeSet<>();
            handle.createQuery("SELECT p.instance_id, p.created_at FROM outcomes o JOIN predictions p"
                            + " ON p.deployment = o.deployment AND p.prediction_id = o.prediction_id"
                            + " WHERE o.deployment = ? AND o.received_at > ? AND o.received_at <= ?")
                    .bind(0, deployment).bind(1, toDb(from)).bind(2, toDb(now))
                    .map((rs, ctx) -> {
                        UUID instance = UUID.fromString(rs.getString(1));
                        Instant made = fromDb(rs.getObject(2, LocalDateTime.class));
                        for (Window window : WINDOWS) {
                            touched.add(new Touched(instance, window, floor(made, window)));
                        }
                        return null;
                    }).list();
            for (Touched window : touched) {
                compute(handle, deployment, settings.task(), window);
            }
            handle.createUpdate("UPDATE monitoring_cursors SET received_until = ?, last_run_at = ? WHERE deployment = ?")
                    .bind(0, toDb(until.isAfter(from) ? until : from)).bind(1, toDb(now)).bind(2, deployment).execute();
            return touched.size();
        });
    }

    /** The deployment's cursor, locked for this transaction (made at the epoch when the deployment has none). */
    private static Instant cursor(Handle handle, String deployment) {
        Optional<LocalDateTime> found = handle.createQuery("SELECT received_until FROM monitoring_cursors WHERE deployment = ? FOR UPDATE")
                .bind(0, deployment).mapTo(LocalDateTime.class).findOne();
        if (found.isPresent()) {
            return fromDb(found.get());
        }
        handle.createUpdate("INSERT INTO monitoring_cursors (deployment, received_until) VALUES (?, ?)")
                .bind(0, deployment).bind(1, toDb(Instant.EPOCH)).execute();
        return handle.createQuery("SELECT received_until FROM monitoring_cursors WHERE deployment = ? FOR UPDATE")
                .bind(0, deployment).mapTo(LocalDateTime.class).findOne().map(io.carrara.registry.db.DatabaseTimes::fromDb)
                .orElseThrow();
    }

    static Instant floor(Instant time, Window window) {
        long length = window.length().toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), length) * length);
    }

    /** Recomputes one window of one instance from all of its joined rows, and records its metrics. */
    private void compute(Handle handle, String deployment, MonitoringTask task, Touched window) {
        Instant end = window.start().plus(window.window().length());
        List<JsonNode> outputs = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        handle.createQuery("SELECT p.output, o.outcome FROM predictions p JOIN outcomes o"
                        + " ON o.deployment = p.deployment AND o.prediction_id = p.prediction_id"
                        + " WHERE p.deployment = ? AND p.instance_id = ? AND p.created_at >= ? AND p.created_at < ?")
                .bind(0, deployment).bind(1, window.instance().toString()).bind(2, toDb(window.start())).bind(3, toDb(end))
                .map((rs, ctx) -> {
                    outputs.add(RegistryJson.readTree(rs.getString(1)));
                    outcomes.add(rs.getString(2));
                    return null;
                }).list();
        Map<String, Double> metrics;
        int skipped;
        if (task == MonitoringTask.CLASSIFICATION) {
            int[] labels = new int[outputs.size()];
            double[] scores = new double[outputs.size()];
            int[] predicted = new int[outputs.size()];
            int n = 0;
            for (int i = 0; i < outputs.size(); i++) {
                Optional<double[]> read = PredictionOutputs.classification(outputs.get(i));
                if (read.isEmpty()) {
                    continue;
                }
                labels[n] = outcomes.get(i).equals("1") ? 1 : 0;
                scores[n] = read.get()[0];
                predicted[n] = (int) read.get()[1];
                n++;
            }
            skipped = outputs.size() - n;
            metrics = n == 0 ? Map.of() : BinaryClassificationQuality.of(java.util.Arrays.copyOf(labels, n),
                    java.util.Arrays.copyOf(scores, n), java.util.Arrays.copyOf(predicted, n)).metrics();
        } else {
            double[] actual = new double[outputs.size()];
            double[] predicted = new double[outputs.size()];
            int n = 0;
            for (int i = 0; i < outputs.size(); i++) {
                Optional<Double> read = PredictionOutputs.regression(outputs.get(i));
                if (read.isEmpty()) {
                    continue;
                }
                actual[n] = Double.parseDouble(outcomes.get(i));
                predicted[n] = read.get();
                n++;
            }
            skipped = outputs.size() - n;
            metrics = n == 0 ? Map.of() : RegressionQuality.of(java.util.Arrays.copyOf(actual, n), java.util.Arrays.copyOf(predicted, n))
                    .metrics();
        }
        if (skipped > 0) {
            log.atWarn().setMessage("logged predictions without a usable output were left out of a monitoring window")
                    .addKeyValue("deployment", deployment).addKeyValue("instance", window.instance())
                    .addKeyValue("window", window.window().name()).addKeyValue("skipped", skipped).log();
        }
        if (metrics.isEmpty()) {
            return;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("window", window.window().name());
        attributes.put("windowStart", window.start().toString());
        attributes.put("windowEnd", end.toString());
        attributes.put("deployment", deployment);
        attributes.put("rows", Integer.toString(outputs.size() - skipped));
        Map<String, Double> recorded = new LinkedHashMap<>(metrics);
        recorded.put("rows", (double) (outputs.size() - skipped));
        String by = "monitor:" + deployment;
        Instant computed = DatabaseTimes.now();
        handle.createUpdate("DELETE FROM monitoring_windows WHERE deployment = ? AND instance_id = ? AND window_name = ? AND window_start = ?")
                .bind(0, deployment).bind(1, window.instance().toString()).bind(2, window.window().name()).bind(3, toDb(window.start()))
                .execute();
        var series = handle.prepareBatch("INSERT INTO monitoring_windows (deployment, instance_id, window_name, window_start, metric,"
                + " metric_value, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        recorded.forEach((name, value) -> series.bind(0, deployment).bind(1, window.instance().toString()).bind(2, window.window().name())
                .bind(3, toDb(window.start())).bind(4, name).bind(5, value).bind(6, toDb(computed)).add());
        series.execute();
        for (Map.Entry<String, Double> metric : recorded.entrySet()) {
            String name = window.window().primary() ? metric.getKey() : metric.getKey() + "." + window.window().name();
            registry.addMetric(window.instance(), new NewMetric(name, "production", metric.getValue(), null, attributes), by);
            gauge(deployment, window.instance(), metric.getKey(), window.window().name()).set(metric.getValue());
        }
    }

    /** The gauge of one metric of one instance of a deployment over one window, made on first use. */
    private AtomicReference<Double> gauge(String deployment, UUID instance, String metric, String window) {
        return gauges.computeIfAbsent(List.of(deployment, instance.toString(), metric, window), key -> {
            AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
            Gauge.builder("carrara.monitoring.quality", value, AtomicReference::get)
                    .description("the latest window's quality of an instance of a deployment, from joined outcomes")
                    .tags("deployment", deployment, "instance", instance.toString(), "metric", metric, "window", window)
                    .register(meters);
            return value;
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
