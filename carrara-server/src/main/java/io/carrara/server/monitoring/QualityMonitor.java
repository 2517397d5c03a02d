package io.carrara.server.monitoring;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.monitoring.MonitoringSettings;
import io.carrara.registry.monitoring.MonitoringStore;
import io.carrara.registry.monitoring.MonitoringTask;
import io.carrara.registry.monitoring.Threshold;
import io.carrara.registry.monitoring.WindowSize;
import io.carrara.server.alerts.Alerts;
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

    /** What one run did: per deployment, the windows it recomputed. */
    public record RunSummary(Map<String, Integer> windowsByDeployment) {}

    private final RegistryDatabase database;
    private final MonitoringStore monitoring;
    private final ModelRegistry registry;
    private final Alerts alerts;
    private final MeterRegistry meters;
    private final Duration settle;
    private final ScheduledExecutorService executor;
    private final Map<List<String>, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    public QualityMonitor(RegistryDatabase database, MonitoringStore monitoring, ModelRegistry registry,
            Alerts alerts, MeterRegistry meters, Duration settle) {
        this.monitoring = requireNonNull(monitoring, "monitoring is null");
        this.alerts = requireNonNull(alerts, "alerts is null");
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
        List<MonitoringSettings> monitored = monitoring.monitored();
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

    private record Touched(UUID instance, WindowSize window, Instant start) implements Comparable<Touched> {
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
            if (settings.outcomeKey() != null) {
                copyKeys(handle, settings, now);
            }
            Set<Touched> touched = new TreeSet<>();
            handle.createQuery("SELECT p.instance_id, p.created_at FROM outcomes o JOIN predictions p"
                            + " ON p.deployment = o.deployment AND p.prediction_id = o.prediction_id"
                            + " WHERE o.deployment = ? AND o.received_at > ? AND o.received_at <= ?")
                    .bind(0, deployment).bind(1, toDb(from)).bind(2, toDb(now))
                    .map((rs, ctx) -> {
                        UUID instance = UUID.fromString(rs.getString(1));
                        Instant made = fromDb(rs.getObject(2, LocalDateTime.class));
                        for (WindowSize window : settings.windows()) {
                            touched.add(new Touched(instance, window, window.floor(made)));
                        }
                        return null;
                    }).list();
            computeQuality(handle, settings, touched);
            int drifted = drift(handle, settings, now);
            handle.createUpdate("UPDATE monitoring_cursors SET received_until = ?, last_run_at = ? WHERE deployment = ?")
                    .bind(0, toDb(until.isAfter(from) ? until : from)).bind(1, toDb(now)).bind(2, deployment).execute();
            return touched.size() + drifted;
        });
    }

    /**
     * Copies the outcome key from the inputs of the predictions logged since the last run (within the lookback, after the
     * key was declared or changed) and matches the keyed outcomes waiting for them, which this run then reads.
     */
    private void copyKeys(Handle handle, MonitoringSettings settings, Instant now) {
        String deployment = settings.deployment();
        LocalDateTime stored = handle.createQuery("SELECT keys_until FROM monitoring_cursors WHERE deployment = ?").bind(0, deployment)
                .mapTo(LocalDateTime.class).findOne().orElse(null);
        Instant from = stored == null ? now.minus(settings.lookback()) : fromDb(stored);
        int matched = MonitoringStore.copyKeys(handle, settings, from, now, now);
        if (matched > 0) {
            log.atInfo().setMessage("keyed outcomes matched with logged predictions").addKeyValue("deployment", deployment)
                    .addKeyValue("outcomes", matched).log();
        }
        Instant until = now.minus(settle);
        handle.createUpdate("UPDATE monitoring_cursors SET keys_until = ? WHERE deployment = ?")
                .bind(0, toDb(until.isAfter(from) ? until : from)).bind(1, deployment).execute();
    }

    /**
     * Drift: for every window that predictions logged since the last run fall in, and whose instance has a reference
     * profile, counts the window's logged inputs (and predictions) on the reference's bins and records PSI and the
     * Jensen-Shannon distance per feature ({@code drift.psi.city}, {@code drift.js.city}), for the prediction, and the
     * largest PSI ({@code drift.psi.max}), each with its band. Answers how many windows it computed.
     */
    private int drift(Handle handle, MonitoringSettings settings, Instant now) {
        String deployment = settings.deployment();
        LocalDateTime stored = handle.createQuery("SELECT inputs_until FROM monitoring_cursors WHERE deployment = ?").bind(0, deployment)
                .mapTo(LocalDateTime.class).findOne().orElse(null);
        Instant from = stored == null ? Instant.EPOCH : fromDb(stored);
        Set<Touched> touched = new TreeSet<>();
        handle.createQuery("SELECT instance_id, created_at FROM predictions WHERE deployment = ? AND created_at > ? AND created_at <= ?")
                .bind(0, deployment).bind(1, toDb(from)).bind(2, toDb(now))
                .map((rs, ctx) -> {
                    UUID instance = UUID.fromString(rs.getString(1));
                    Instant made = fromDb(rs.getObject(2, LocalDateTime.class));
                    for (WindowSize window : settings.windows()) {
                        touched.add(new Touched(instance, window, window.floor(made)));
                    }
                    return null;
                }).list();
        Map<UUID, Optional<io.carrara.monitoring.drift.Profile>> references = new java.util.HashMap<>();
        int computed = 0;
        for (List<Touched> day : byInstanceDay(touched)) {
            Optional<io.carrara.monitoring.drift.Profile> reference = references.computeIfAbsent(day.get(0).instance(), instance -> handle
                    .createQuery("SELECT profile FROM instance_profiles WHERE instance_id = ?").bind(0, instance.toString())
                    .mapTo(String.class).findOne().map(io.carrara.monitoring.drift.ProfileJson::read));
            if (reference.isPresent()) {
                driftOf(handle, settings, day, reference.get());
                computed += day.size();
            }
        }
        Instant until = now.minus(settle);
        handle.createUpdate("UPDATE monitoring_cursors SET inputs_until = ? WHERE deployment = ?")
                .bind(0, toDb(until.isAfter(from) ? until : from)).bind(1, deployment).execute();
        return computed;
    }

    /**
     * The touched windows grouped by instance and UTC day, in order: every window size divides a day, so each window lies
     * in one day, and one read of a day's rows (those the day's touched windows span) feeds all of them.
     */
    private static List<List<Touched>> byInstanceDay(Set<Touched> touched) {
        Map<List<Object>, List<Touched>> days = new LinkedHashMap<>();
        for (Touched window : touched) {
            days.computeIfAbsent(List.of(window.instance(), DAY.floor(window.start())), key -> new ArrayList<>()).add(window);
        }
        return new ArrayList<>(days.values());
    }

    private static final WindowSize DAY = WindowSize.parse("1d", "window");

    /** One instance-day's touched windows, each with its computation, found by size and start for each row read. */
    private static final class DayWindows {
        final Map<WindowSize, Map<Instant, WindowComputation>> bySize = new LinkedHashMap<>();
        final Map<Touched, WindowComputation> computations = new LinkedHashMap<>();
        final Instant from;
        final Instant to;

        DayWindows(List<Touched> windows, MonitoringTask task, Optional<io.carrara.monitoring.drift.Profile> reference) {
            Instant first = null;
            Instant last = null;
            for (Touched window : windows) {
                WindowComputation computation = new WindowComputation(task, reference);
                computations.put(window, computation);
                bySize.computeIfAbsent(window.window(), size -> new java.util.HashMap<>()).put(window.start(), computation);
                Instant end = window.start().plus(window.window().length());
                first = first == null || window.start().isBefore(first) ? window.start() : first;
                last = last == null || end.isAfter(last) ? end : last;
            }
            this.from = first;
            this.to = last;
        }

        /** The computations of the touched windows a row made at {@code made} falls in. */
        void forEach(Instant made, java.util.function.Consumer<WindowComputation> each) {
            bySize.forEach((size, starts) -> {
                WindowComputation computation = starts.get(size.floor(made));
                if (computation != null) {
                    each.accept(computation);
                }
            });
        }
    }

    /** The drift of one instance-day's touched windows, from one read of the logged inputs they span. */
    private void driftOf(Handle handle, MonitoringSettings settings, List<Touched> windows, io.carrara.monitoring.drift.Profile reference) {
        DayWindows day = new DayWindows(windows, settings.task(), Optional.of(reference));
        handle.createQuery("SELECT created_at, input, output FROM predictions WHERE deployment = ? AND instance_id = ? AND created_at >= ?"
                        + " AND created_at < ?")
                .bind(0, settings.deployment()).bind(1, windows.get(0).instance().toString()).bind(2, toDb(day.from)).bind(3, toDb(day.to))
                .map((rs, ctx) -> {
                    Instant made = fromDb(rs.getObject(1, LocalDateTime.class));
                    JsonNode input = RegistryJson.readTree(rs.getString(2));
                    JsonNode output = RegistryJson.readTree(rs.getString(3));
                    day.forEach(made, computation -> computation.addInput(input, output));
                    return made;
                }).forEach(made -> { });   // streamed: nothing kept per row
        day.computations.forEach((window, computation) -> {
            WindowComputation.Result drift = computation.drift();
            if (!drift.metrics().isEmpty()) {
                record(handle, settings, window, drift.metrics(), attributes(settings, window, drift.rows()), drift.bands());
            }
        });
    }

    /** A window metric's attributes: the window, its start and end, the deployment and the rows it was computed from. */
    private static Map<String, String> attributes(MonitoringSettings settings, Touched window, int rows) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("window", window.window().name());
        attributes.put("windowStart", window.start().toString());
        attributes.put("windowEnd", window.start().plus(window.window().length()).toString());
        attributes.put("deployment", settings.deployment());
        attributes.put("rows", Integer.toString(rows));
        return attributes;
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

    /**
     * Recomputes each touched window from all of its joined rows, and records its metrics: one read of the joined rows
     * per instance and day, feeding every touched window of that day.
     */
    private void computeQuality(Handle handle, MonitoringSettings settings, Set<Touched> touched) {
        for (List<Touched> windows : byInstanceDay(touched)) {
            DayWindows day = new DayWindows(windows, settings.task(), Optional.empty());
            handle.createQuery("SELECT p.created_at, p.output, o.outcome FROM predictions p JOIN outcomes o"
                            + " ON o.deployment = p.deployment AND o.prediction_id = p.prediction_id"
                            + " WHERE p.deployment = ? AND p.instance_id = ? AND p.created_at >= ? AND p.created_at < ?")
                    .bind(0, settings.deployment()).bind(1, windows.get(0).instance().toString()).bind(2, toDb(day.from))
                    .bind(3, toDb(day.to))
                    .map((rs, ctx) -> {
                        Instant made = fromDb(rs.getObject(1, LocalDateTime.class));
                        JsonNode output = RegistryJson.readTree(rs.getString(2));
                        String outcome = rs.getString(3);
                        day.forEach(made, computation -> computation.addOutcome(output, outcome));
                        return made;
                    }).forEach(made -> { });   // streamed: nothing kept per row
            day.computations.forEach((window, computation) -> {
                WindowComputation.Result quality = computation.quality();
                warnSkipped(settings, window, quality.skipped());
                if (!quality.metrics().isEmpty()) {
                    record(handle, settings, window, quality.metrics(), attributes(settings, window, quality.rows()), Map.of());
                }
            });
        }
    }

    private static void warnSkipped(MonitoringSettings settings, Touched window, int skipped) {
        if (skipped > 0) {
            log.atWarn().setMessage("logged predictions without a usable output were left out of a monitoring window")
                    .addKeyValue("deployment", settings.deployment()).addKeyValue("instance", window.instance())
                    .addKeyValue("window", window.window().name()).addKeyValue("skipped", skipped).log();
        }
    }

    /**
     * Records one window's metrics: as the window's latest computation in the series, and on the instance as production
     * metrics (under their plain names for the daily window, with the window's name appended for the others), each with
     * the window's attributes (and its band, for a drift metric).
     */
    private void record(Handle handle, MonitoringSettings settings, Touched window, Map<String, Double> recorded,
            Map<String, String> attributes, Map<String, String> bands) {
        String deployment = settings.deployment();
        String by = "monitor:" + deployment;
        Instant computed = DatabaseTimes.now();
        java.util.List<String> names = new ArrayList<>(recorded.keySet());
        handle.createUpdate("DELETE FROM monitoring_windows WHERE deployment = :deployment AND instance_id = :instance AND window_name = :window"
                        + " AND window_start = :start AND metric IN (<names>)")
                .bind("deployment", deployment).bind("instance", window.instance().toString()).bind("window", window.window().name())
                .bind("start", toDb(window.start())).bindList("names", names).execute();
        var series = handle.prepareBatch("INSERT INTO monitoring_windows (deployment, instance_id, window_name, window_start, metric,"
                + " metric_value, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        recorded.forEach((name, value) -> series.bind(0, deployment).bind(1, window.instance().toString()).bind(2, window.window().name())
                .bind(3, toDb(window.start())).bind(4, name).bind(5, value).bind(6, toDb(computed)).add());
        series.execute();
        List<NewMetric> metrics = new ArrayList<>(recorded.size());
        for (Map.Entry<String, Double> metric : recorded.entrySet()) {
            String name = window.window().equals(settings.primary()) ? metric.getKey() : metric.getKey() + "." + window.window().name();
            Map<String, String> metricAttributes = attributes;
            if (bands.containsKey(metric.getKey())) {
                metricAttributes = new LinkedHashMap<>(attributes);
                metricAttributes.put("band", bands.get(metric.getKey()));
            }
            metrics.add(new NewMetric(name, "production", metric.getValue(), null, metricAttributes));
        }
        // One transaction per window: its metrics are recorded all or none.
        registry.addMetrics(window.instance(), metrics, by);
        recorded.forEach((name, value) -> gauge(deployment, window.instance(), name, window.window().name()).set(value));
        for (Threshold threshold : settings.alerts()) {
            Double value = recorded.get(threshold.metric());
            if (value != null && threshold.crossedBy(value)) {
                alert(handle, settings, window, threshold, value, attributes);
            }
        }
    }

    /**
     * Raises the alert of a crossed threshold through the project's alerts (log, counter, alert webhooks), once per
     * deployment, instance, window and threshold: a window computed again does not raise it again.
     */
    private void alert(Handle handle, MonitoringSettings settings, Touched window, Threshold threshold, double value,
            Map<String, String> attributes) {
        // The run holds the deployment's cursor lock: no other server raises this alert meanwhile.
        boolean raised = handle.createQuery("SELECT COUNT(*) FROM monitoring_alerts WHERE deployment = ? AND instance_id = ?"
                        + " AND window_name = ? AND window_start = ? AND threshold = ?")
                .bind(0, settings.deployment()).bind(1, window.instance().toString()).bind(2, window.window().name())
                .bind(3, toDb(window.start())).bind(4, threshold.toString()).mapTo(Integer.class).one() > 0;
        if (raised) {
            return;
        }
        handle.createUpdate("INSERT INTO monitoring_alerts (deployment, instance_id, window_name, window_start, threshold, metric_value,"
                        + " raised_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, settings.deployment()).bind(1, window.instance().toString()).bind(2, window.window().name())
                .bind(3, toDb(window.start())).bind(4, threshold.toString()).bind(5, value).bind(6, toDb(DatabaseTimes.now())).execute();
        String project = handle.createQuery("SELECT p.name FROM deployments d JOIN models m ON m.model_id = d.model_id"
                        + " JOIN projects p ON p.project_id = m.project_id WHERE d.name = ?").bind(0, settings.deployment()).mapTo(String.class).findOne().orElse(null);
        Map<String, Object> details = new LinkedHashMap<>(attributes);
        details.put("instance", window.instance().toString());
        details.put("threshold", threshold.toString());
        details.put("value", value);
        String message = settings.deployment() + ": " + threshold.metric() + " = " + value + " crossed " + threshold + " over the "
                + window.window().name() + " window from " + window.start() + " (instance " + window.instance() + ")";
        try {
            alerts.raise(new Alerts.Alert(project, "monitor:" + settings.deployment(), "warning", message, details),
                    "monitor-" + settings.deployment() + "-" + window.instance() + "-" + window.window().name() + "-"
                            + window.start().getEpochSecond() + "-" + threshold.metric() + threshold.operator());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Records one window computed elsewhere (a Spark job over an exported prediction log) as the monitor records its own:
     * series, production metrics, gauges and alerts, under the lock of the deployment's cursor so that the monitor does
     * not record the same deployment meanwhile.
     */
    void recordWindow(MonitoringSettings settings, UUID instance, WindowSize size, Instant start, WindowComputation.Result result) {
        if (result.metrics().isEmpty()) {
            return;
        }
        Touched window = new Touched(instance, size, start);
        database.inTransaction(handle -> {
            cursor(handle, settings.deployment());
            warnSkipped(settings, window, result.skipped());
            record(handle, settings, window, result.metrics(), attributes(settings, window, result.rows()), result.bands());
            return null;
        });
    }

    /** Monitoring's settings and outcomes, which the monitor reads and the API writes. */
    public MonitoringStore monitoring() {
        return monitoring;
    }

    /** One window's latest computation: its instance, start and metrics by name. */
    public record WindowMetrics(UUID instance, Instant start, Map<String, Double> metrics, Instant computedAt) {}

    /** The deployment's windows named {@code window} that start in [from, to), oldest first, as last computed. */
    public List<WindowMetrics> windows(String deployment, String window, Instant from, Instant to, int maxRows) {
        Map<List<Object>, WindowMetrics> windows = new LinkedHashMap<>();
        database.jdbi().useHandle(handle -> handle.createQuery("SELECT instance_id, window_start, metric, metric_value, computed_at"
                        + " FROM monitoring_windows WHERE deployment = ? AND window_name = ? AND window_start >= ? AND window_start < ?"
                        + " ORDER BY window_start, instance_id, metric")
                .bind(0, deployment).bind(1, window).bind(2, toDb(from)).bind(3, toDb(to))
                .setMaxRows(maxRows)
                .map((rs, ctx) -> {
                    UUID instance = UUID.fromString(rs.getString(1));
                    Instant start = fromDb(rs.getObject(2, LocalDateTime.class));
                    Instant computed = fromDb(rs.getObject(5, LocalDateTime.class));
                    windows.computeIfAbsent(List.of(start, instance), key -> new WindowMetrics(instance, start, new java.util.TreeMap<>(),
                            computed)).metrics().put(rs.getString(3), rs.getDouble(4));
                    return null;
                }).list());
        return new ArrayList<>(windows.values());
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
