package io.carrara.bench.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import io.carrara.bench.server.MarkdownTable;
import io.carrara.monitoring.drift.Profile;
import io.carrara.monitoring.drift.ProfileBuilder;
import io.carrara.monitoring.drift.ProfileJson;
import io.carrara.monitoring.drift.ProfileSettings;
import io.carrara.monitoring.quality.BinaryClassificationQuality;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.deploy.NewDeployment;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.registry.monitoring.MonitoringStore;
import io.carrara.registry.monitoring.MonitoringTask;
import io.carrara.registry.monitoring.NewOutcome;
import io.carrara.registry.monitoring.OutcomeLoad;
import io.carrara.registry.predictions.LoggedPrediction;
import io.carrara.registry.predictions.PredictionLogStore;
import io.carrara.server.ServerConfig;
import io.carrara.server.alerts.AlertWebhookStore;
import io.carrara.server.alerts.Alerts;
import io.carrara.server.config.ServerSettings;
import io.carrara.server.monitoring.QualityMonitor;
import io.carrara.server.rules.WebhookSender;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 16's benchmark of monitoring's store and monitor at a million predictions a day: on H2 (the server's embedded
 * file database) and on PostgreSQL, through the registry and server classes wired as {@code CarraraServer} wires them
 * ({@link RegistryDatabase} with its migrations, {@link ModelRegistry}, {@link DeploymentRegistry},
 * {@link PredictionLogStore}, {@link MonitoringStore}, {@link QualityMonitor} with the settle time set to zero). It logs
 * {@code --predictions} predictions of one deployment spread evenly over the last complete UTC day ({@link LoggedTrips}),
 * loads an outcome for each, and times the monitor's first run (every window of the day: one daily and 24 hourly), then
 * incremental runs after {@code --new-outcomes} new outcomes, first without and then with a reference profile on the
 * instance (drift). Prints markdown.
 *
 * <pre>
 * mvn -B -q -pl carrara-bench -am package -DskipTests
 * carrara-bench/scripts/monitoring-bench.sh store
 * </pre>
 */
@Command(name = "MonitoringBenchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Monitoring at a million logged predictions and outcomes a day, on H2 and PostgreSQL: time to log the"
                + " predictions and load the outcomes, the quality monitor's first run over a day's windows, and its incremental"
                + " runs after new outcomes, without and with a reference profile (drift). Prints markdown."})
public final class MonitoringBenchmark implements Callable<Integer> {
    private static final String USER = "bench";
    private static final String DEPLOYMENT = "trips-monitored";
    private static final String MONITOR = "monitor:" + DEPLOYMENT;
    /** The late incremental runs add their predictions to the day's hours from this one on, one hour per repetition. */
    private static final int FIRST_LATE_HOUR = 10;

    /** The databases it runs on. */
    enum Database {
        H2("h2"), POSTGRESQL("postgresql");

        final String option;

        Database(String option) {
            this.option = option;
        }
    }

    @Option(names = "--database", split = ",", paramLabel = "NAME", defaultValue = "h2,postgresql",
            description = "h2 (an embedded file database in a temporary home, as the server's default), postgresql, or both"
                    + " (default: ${DEFAULT-VALUE})")
    List<String> databaseNames;

    @Option(names = "--predictions", paramLabel = "N", defaultValue = "1000000",
            description = "Predictions logged over the day, each with an outcome (default: ${DEFAULT-VALUE})")
    int predictions;

    @Option(names = "--new-outcomes", paramLabel = "N", defaultValue = "10000",
            description = "New predictions and their outcomes before each incremental run, in one load (at most "
                    + MonitoringStore.MAX_OUTCOMES_PER_LOAD + "; default: ${DEFAULT-VALUE})")
    int newOutcomes;

    @Option(names = "--repetitions", paramLabel = "N", defaultValue = "3",
            description = "Incremental runs of each kind, each after fresh outcomes (default: ${DEFAULT-VALUE})")
    int repetitions;

    @Option(names = "--outcome-load-budget", paramLabel = "SECONDS", defaultValue = "180",
            description = "The day's outcomes go through MonitoringStore.loadOutcomes until this long was spent loading them; the"
                    + " rest are written with plain batched INSERTs, and so are the incremental runs' outcomes but for one load"
                    + " timed through loadOutcomes at the full size; the output says so (default: ${DEFAULT-VALUE})")
    double outcomeLoadBudget;

    @Option(names = "--profile-rows", paramLabel = "N", defaultValue = "100000",
            description = "Reference rows the instance's profile is built from (default: ${DEFAULT-VALUE})")
    int profileRows;

    @Option(names = "--logged-vector-size", paramLabel = "N", defaultValue = "0",
            description = "Adds a dense features vector of N numbers to every logged output, as the server logs every column a"
                    + " Spark pipeline adds (the LR trips pipeline's rows: about 4.2 KB of JSON, about N = 1000); default: the"
                    + " prediction and probability only")
    int loggedVectorSize;

    @Option(names = "--breakdown", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Time the steps of the daily window's computation one by one, as the monitor does them (default: on)")
    boolean breakdown;

    @Option(names = "--postgresql-url", paramLabel = "URL", defaultValue = "jdbc:postgresql://127.0.0.1:5432/",
            description = "The PostgreSQL server, without a database (default: ${DEFAULT-VALUE})")
    String postgresqlUrl;

    @Option(names = "--postgresql-user", paramLabel = "USER", defaultValue = "postgres", description = "(default: ${DEFAULT-VALUE})")
    String postgresqlUser;

    @Option(names = "--postgresql-admin-database", paramLabel = "NAME", defaultValue = "test",
            description = "The database connected to for dropping and creating the benchmark's own (default: ${DEFAULT-VALUE})")
    String postgresqlAdminDatabase;

    @Option(names = "--postgresql-database", paramLabel = "NAME", defaultValue = "carrara_bench_monitoring",
            description = "The benchmark's own database, dropped and created at the start (default: ${DEFAULT-VALUE})")
    String postgresqlDatabase;

    @Option(names = "--keep", description = "Keep the databases at the end (the PostgreSQL database and the H2 home)")
    boolean keep;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the trips (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--model-dir", paramLabel = "DIR",
            defaultValue = "carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression/model",
            description = "A saved Spark pipeline, the deployed instance's artifact (default: ${DEFAULT-VALUE})")
    Path modelDir;

    private final PrintStream out = System.out;
    /** Set once loadOutcomes used its budget: outcomes then go in with plain INSERTs, but for one load through it. */
    private boolean outcomesByInsert;
    private boolean probedAtFullSize;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MonitoringBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (predictions < 1 || newOutcomes < 1 || newOutcomes > MonitoringStore.MAX_OUTCOMES_PER_LOAD || repetitions < 1
                || profileRows < 1 || loggedVectorSize < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--predictions, --repetitions and --profile-rows must"
                    + " be positive, --new-outcomes 1 to " + MonitoringStore.MAX_OUTCOMES_PER_LOAD + ", --logged-vector-size at least 0");
        }
        Set<Database> databases = EnumSet.noneOf(Database.class);
        for (String name : databaseNames) {
            databases.add(Stream.of(Database.values()).filter(database -> database.option.equals(name.trim())).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this), "unknown --database " + name
                            + "; choose h2 or postgresql")));
        }
        out.printf(Locale.ROOT, "# Monitoring benchmark, %s%n%n", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.printf(Locale.ROOT, "- machine: %d cores, Java %s, max heap %s; load average at start: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                megabytes(Runtime.getRuntime().maxMemory()), io.carrara.bench.Machine.loadAverage());
        out.printf(Locale.ROOT, "- %,d predictions of one deployment spread evenly over the last complete UTC day, each with an"
                + " outcome; incremental runs after %,d new predictions and their outcomes, %d of each kind%n%n", predictions,
                newOutcomes, repetitions);
        for (Database database : databases) {
            run(database);
        }
        return 0;
    }

    // ---- one database

    /** The pieces as CarraraServer wires them, on one database. */
    private record Wiring(RegistryDatabase database, BlobStore blobs, ModelRegistry registry, DeploymentRegistry deployments,
            PredictionLogStore log, MonitoringStore monitoring, QualityMonitor monitor, int logBatchSize) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            monitor.close();
            database.close();
            blobs.close();
        }
    }

    private void run(Database kind) throws Exception {
        Path home = Files.createTempDirectory("carrara-monitoring-bench-");
        Map<String, String> settings = new LinkedHashMap<>();
        // The settle time is zero, so that a run reads every outcome loaded before it and leaves its cursor there.
        settings.put("monitoring.settleSeconds", "0");
        settings.put("monitoring.runSeconds", "0");
        String where;
        if (kind == Database.POSTGRESQL) {
            recreatePostgresql();
            settings.put("database.url", postgresqlUrl + postgresqlDatabase);
            settings.put("database.user", postgresqlUser);
            where = "PostgreSQL, database " + postgresqlDatabase + " at " + postgresqlUrl;
        } else {
            where = "H2, embedded file database " + home.resolve("registry") + ".mv.db";
        }
        ServerConfig config = ServerConfig.from(ServerSettings.load(home, Map.of(), settings));
        out.printf(Locale.ROOT, "## %s%n%n", where);
        Results results = new Results();
        long started = System.nanoTime();
        try (Wiring wiring = wire(config, home)) {
            benchmark(kind, wiring, results);
            out.printf(Locale.ROOT, "- database size at the end: %s%n", size(kind, wiring, home));
        } finally {
            if (!keep) {
                io.carrara.bench.Machine.deleteRecursively(home);
                if (kind == Database.POSTGRESQL) {
                    adminSql("DROP DATABASE IF EXISTS " + postgresqlDatabase + " WITH (FORCE)");
                }
            }
        }
        out.printf(Locale.ROOT, "- wall time on %s: %.0f s%n%n", kind.option, (System.nanoTime() - started) / 1e9);
        out.print(results.table.render());
        out.println();
        if (breakdown) {
            out.println("The daily window's computation step by step, as the monitor does it (the same queries and code, timed one"
                    + " by one after the run; the monitor reads each result set row by row as here):");
            out.println();
            out.print(results.breakdown.render());
            out.println();
        }
    }

    /** As CarraraServer.start: the database (migrated), blob store, registry, deployments, log, alerts and the monitor. */
    private static Wiring wire(ServerConfig config, Path home) {
        long started = System.nanoTime();
        RegistryDatabase database = RegistryDatabase.open(config.database());
        BlobStore blobs = config.blobs().open(home.resolve("tmp"));
        ModelRegistry registry = new ModelRegistry(database, blobs);
        DeploymentRegistry deployments = new DeploymentRegistry(database);
        PredictionLogStore log = new PredictionLogStore(database);
        PrometheusMeterRegistry meters = PrometheusMeterRegistries.newRegistry();
        Alerts alerts = new Alerts(new AlertWebhookStore(database), WebhookSender.standard(config.outbound()), meters);
        MonitoringStore monitoring = new MonitoringStore(database, deployments);
        QualityMonitor monitor = new QualityMonitor(database, monitoring, registry, alerts, meters, config.monitoring().settle());
        System.out.printf(Locale.ROOT, "- opened and migrated in %.1f s; monitoring.settleSeconds %d, runs on request only%n",
                (System.nanoTime() - started) / 1e9, config.monitoring().settle().toSeconds());
        return new Wiring(database, blobs, registry, deployments, log, monitoring, monitor, config.serving().logBatchSize());
    }

    /** What one database's benchmark measured: the summary table and the breakdown. */
    private static final class Results {
        final MarkdownTable table = new MarkdownTable("step", "data", "windows", "metrics recorded", "time",
                "heap pools' peaks")
                .textColumns(2);
        final MarkdownTable breakdown = new MarkdownTable("step of the daily window", "rows", "time").textColumns(1);
    }

    private void benchmark(Database kind, Wiring wiring, Results results) throws Exception {
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
        Instance instance = createInstance(wiring.registry());
        wiring.deployments().deploy(NewDeployment.pinned(DEPLOYMENT, instance.id()).withLogSampleRate(1.0), USER);
        wiring.monitoring().configure(DEPLOYMENT, MonitoringTask.CLASSIFICATION, USER);
        LoggedTrips trips = new LoggedTrips(seed, DEPLOYMENT, instance.id(), loggedVectorSize);
        LoggedPrediction example = trips.prediction(0, day);
        out.printf(Locale.ROOT, "- deployment %s of instance %s (the LR trips pipeline), logSampleRate 1.0, task classification;"
                + " the day: %s; a logged row's input %d and output %d characters of JSON%n", DEPLOYMENT, instance.id(),
                day.atZone(ZoneOffset.UTC).toLocalDate(), example.input().toString().length(), example.output().toString().length());

        // The log: insertAll in the writer's batches (serving.log.batchSize), each its own transaction as the writer does.
        double insert = log(wiring, trips, 0, predictions, index -> LoggedTrips.spread(day, Duration.ofDays(1), index, predictions));
        results.table.add("log " + count(predictions) + " predictions (PredictionLogStore.insertAll, " + wiring.logBatchSize()
                + " a call)", rate(predictions, insert), "", "", seconds(insert), "");
        out.printf(Locale.ROOT, "- logged %,d predictions in %.1f s (%,.0f a second)%n", predictions, insert,
                predictions / insert);

        // The outcomes, observed half an hour after their prediction, in loads of at most 10,000 while the budget lasts.
        MadeAt inDay = index -> LoggedTrips.spread(day, Duration.ofDays(1), index, predictions);
        List<Double> loadTimes = new ArrayList<>();
        int loaded = 0;
        double loadSeconds = 0;
        while (loaded < predictions && loadSeconds < outcomeLoadBudget) {
            int size = Math.min(predictions - loaded, MonitoringStore.MAX_OUTCOMES_PER_LOAD);
            loadTimes.add(load(wiring, outcomes(trips, loaded, size, inDay, true)));
            loadSeconds += loadTimes.get(loadTimes.size() - 1);
            loaded += size;
            if (loadTimes.size() % 10 == 0) {
                out.printf(Locale.ROOT, "- outcomes: %,d loaded; load %d took %.2f s%n", loaded, loadTimes.size(),
                        loadTimes.get(loadTimes.size() - 1));
            }
        }
        if (loaded > 0) {
            results.table.add("load " + count(loaded) + " outcomes (MonitoringStore.loadOutcomes, " + count(loadTimes.size())
                    + " loads of up to " + count(MonitoringStore.MAX_OUTCOMES_PER_LOAD) + "; " + loadTrend(loadTimes) + ")",
                    rate(loaded, loadSeconds), "", "", seconds(loadSeconds), "");
            out.printf(Locale.ROOT, "- loaded %,d outcomes in %.1f s (%,.0f a second; %s)%n", loaded, loadSeconds,
                    loaded / loadSeconds, loadTrend(loadTimes));
        }
        outcomesByInsert = loaded < predictions;
        probedAtFullSize = false;
        if (loaded < predictions) {
            double insertSeconds = insertOutcomes(wiring, trips, loaded, predictions - loaded, inDay);
            results.table.add("**the other " + count(predictions - loaded) + " outcomes with plain INSERTs**: loadOutcomes had"
                    + " used its budget of " + seconds(outcomeLoadBudget), rate(predictions - loaded, insertSeconds), "", "",
                    seconds(insertSeconds), "");
            out.printf(Locale.ROOT, "- LOADING THROUGH loadOutcomes STOPPED AFTER %.0f s, AT %,d OUTCOMES; the other %,d were written"
                    + " with plain batched INSERTs in %.1f s%n", loadSeconds, loaded, predictions - loaded, insertSeconds);
        }

        long[] next = {predictions};
        Run first = monitor(wiring);
        results.table.add("**first run**: join and compute every window of the day", data(wiring), count(first.windows()),
                count(first.metrics()), seconds(first.seconds()), megabytes(first.heapPeak()));
        out.printf(Locale.ROOT, "- first run: %s%n", first);
        incremental(wiring, trips, day, next, results, "");

        // The first run again, on the same data as the run with a profile below, to separate drift's share.
        resetCursor(wiring);
        Run again = monitor(wiring);
        results.table.add("first run again (cursor removed), no profile", data(wiring), count(again.windows()), count(again.metrics()),
                seconds(again.seconds()), megabytes(again.heapPeak()));
        out.printf(Locale.ROOT, "- first run again: %s%n", again);
        if (breakdown) {
            breakdown(wiring, instance.id(), day, results);
        }

        // A reference profile, as PUT /api/v1/instances/{id}/profile stores it: two passes over rows like the logged inputs.
        long profileStarted = System.nanoTime();
        Profile profile = referenceProfile(instance.id());
        Profile checked = ProfileJson.read(ProfileJson.write(profile));
        wiring.monitoring().setProfile(instance.id(), new String(ProfileJson.write(checked), StandardCharsets.UTF_8), checked.rows(),
                USER);
        double profileSeconds = (System.nanoTime() - profileStarted) / 1e9;
        results.table.add("set a reference profile (" + count(profileRows) + " rows, " + checked.features().size()
                + " features and the prediction)", "", "", "", seconds(profileSeconds), "");

        resetCursor(wiring);
        Run withProfile = monitor(wiring);
        results.table.add("**first run with a profile** (cursor removed): quality and drift of every window", data(wiring),
                count(withProfile.windows()), count(withProfile.metrics()), seconds(withProfile.seconds()), megabytes(withProfile.heapPeak()));
        out.printf(Locale.ROOT, "- first run with a profile: %s%n", withProfile);
        incremental(wiring, trips, day, next, results, " (with a profile)");
    }

    /**
     * The incremental runs, {@code --repetitions} of each kind. Late: new predictions made within one hour of the day (a
     * different hour each time) and their outcomes, so the run recomputes that hour and the whole day. Live: new
     * predictions made since the last run (today, as the server's log writer stamps them) and their outcomes, so the run
     * recomputes today's daily window and the current hour, and their drift.
     */
    private void incremental(Wiring wiring, LoggedTrips trips, Instant day, long[] next, Results results, String suffix) {
        List<Run> late = new ArrayList<>();
        List<Double> lateLoads = new ArrayList<>();
        for (int repetition = 0; repetition < repetitions; repetition++) {
            Instant hour = day.plus(Duration.ofHours((FIRST_LATE_HOUR + repetition) % 24));
            long first = next[0];
            MadeAt inHour = index -> LoggedTrips.spread(hour, Duration.ofHours(1), index - first, newOutcomes);
            log(wiring, trips, first, newOutcomes, inHour);
            loadIncremental(wiring, trips, first, inHour, true).ifPresent(lateLoads::add);
            next[0] += newOutcomes;
            late.add(monitor(wiring));
        }
        add(results, "incremental, late: " + count(newOutcomes) + " new predictions within one hour of the day and their outcomes"
                + suffix, late, lateLoads, wiring);
        List<Run> live = new ArrayList<>();
        List<Double> liveLoads = new ArrayList<>();
        for (int repetition = 0; repetition < repetitions; repetition++) {
            Instant since = Instant.now().truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
            Duration span = Duration.ofMillis(200);
            io.carrara.bench.Machine.sleep(span.toMillis() + 1);
            long first = next[0];
            MadeAt sinceLastRun = index -> LoggedTrips.spread(since, span, index - first, newOutcomes);
            log(wiring, trips, first, newOutcomes, sinceLastRun);
            loadIncremental(wiring, trips, first, sinceLastRun, false).ifPresent(liveLoads::add);
            next[0] += newOutcomes;
            live.add(monitor(wiring));
        }
        add(results, "incremental, live: " + count(newOutcomes) + " new predictions made since the last run (today) and their"
                + " outcomes" + suffix, live, liveLoads, wiring);
    }

    /**
     * An incremental run's outcomes: through loadOutcomes, timed, unless it used its budget on the day's outcomes; then with
     * plain INSERTs (untimed), but for the first such load, which goes through loadOutcomes to time it at the full size.
     */
    private java.util.Optional<Double> loadIncremental(Wiring wiring, LoggedTrips trips, long first, MadeAt clock,
            boolean observedLater) {
        List<NewOutcome> outcomes = outcomes(trips, first, newOutcomes, clock, observedLater);
        if (!outcomesByInsert || !probedAtFullSize) {
            probedAtFullSize = true;
            return java.util.Optional.of(load(wiring, outcomes));
        }
        insertOutcomes(wiring, outcomes);
        return java.util.Optional.empty();
    }

    private void add(Results results, String step, List<Run> runs, List<Double> loads, Wiring wiring) {
        double[] times = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
        String windows = runs.stream().map(run -> Integer.toString(run.windows())).distinct().collect(Collectors.joining("/"));
        String metrics = runs.stream().map(run -> Long.toString(run.metrics())).distinct().collect(Collectors.joining("/"));
        long heap = runs.stream().mapToLong(Run::heapPeak).max().orElse(0);
        results.table.add(step, data(wiring), windows, metrics, spread(times), megabytes(heap));
        if (!loads.isEmpty()) {
            results.table.add("… the load of its " + count(newOutcomes) + " outcomes before " + (loads.size() == runs.size()
                    ? "each run" : loads.size() + " of the runs (the others by plain INSERTs)") + " (loadOutcomes)", "", "", "",
                    spread(loads.stream().mapToDouble(Double::doubleValue).sorted().toArray()), "");
        } else {
            results.table.add("… its outcomes written with plain INSERTs (loadOutcomes had used its budget)", "", "", "", "", "");
        }
        out.printf(Locale.ROOT, "- %s: %s; loads %s%n", step, runs.stream().map(Run::toString).collect(Collectors.joining("; ")),
                loads.stream().map(seconds -> String.format(Locale.ROOT, "%.2f s", seconds)).collect(Collectors.joining(", ")));
    }

    // ---- the steps

    /** Index to the time its prediction was made. */
    @FunctionalInterface
    private interface MadeAt {
        Instant at(long index);
    }

    /** Logs predictions first .. first + count - 1 in the writer's batches; answers the time spent in insertAll. */
    private static double log(Wiring wiring, LoggedTrips trips, long first, long count, MadeAt clock) {
        long spent = 0;
        int batch = wiring.logBatchSize();
        for (long start = first; start < first + count; start += batch) {
            long end = Math.min(first + count, start + batch);
            List<LoggedPrediction> rows = new ArrayList<>((int) (end - start));
            for (long index = start; index < end; index++) {
                rows.add(trips.prediction(index, clock.at(index)));
            }
            long started = System.nanoTime();
            int written = wiring.log().insertAll(rows);
            spent += System.nanoTime() - started;
            if (written != rows.size()) {
                throw new IllegalStateException("insertAll wrote " + written + " of " + rows.size() + " predictions");
            }
        }
        return spent / 1e9;
    }

    private static List<NewOutcome> outcomes(LoggedTrips trips, long first, int count, MadeAt clock, boolean observedLater) {
        List<NewOutcome> outcomes = new ArrayList<>(count);
        for (long index = first; index < first + count; index++) {
            Instant made = clock.at(index);
            outcomes.add(trips.outcome(index, made, observedLater ? made.plus(Duration.ofMinutes(30)).toString() : null));
        }
        return outcomes;
    }

    /**
     * Writes outcomes first .. first + count - 1 as loadOutcomes stores them (the class as "0" or "1", observed half an hour
     * after the prediction, received now), with plain batched INSERTs in transactions of 10,000; answers the time.
     */
    private static double insertOutcomes(Wiring wiring, LoggedTrips trips, long first, long count, MadeAt clock) {
        double spent = 0;
        for (long start = first; start < first + count; start += MonitoringStore.MAX_OUTCOMES_PER_LOAD) {
            long end = Math.min(first + count, start + MonitoringStore.MAX_OUTCOMES_PER_LOAD);
            spent += insertOutcomes(wiring, outcomes(trips, start, (int) (end - start), clock, true));
        }
        return spent;
    }

    /** One transaction of plain batched INSERTs, the rows as loadOutcomes would store them; answers its time. */
    private static double insertOutcomes(Wiring wiring, List<NewOutcome> outcomes) {
        long started = System.nanoTime();
        wiring.database().inTransaction(handle -> {
            Instant now = DatabaseTimes.now();
            for (int from = 0; from < outcomes.size(); from += 500) {
                var batch = handle.prepareBatch("INSERT INTO outcomes (deployment, prediction_id, outcome, observed_at, received_at,"
                        + " received_by) VALUES (?, ?, ?, ?, ?, ?)");
                for (NewOutcome outcome : outcomes.subList(from, Math.min(from + 500, outcomes.size()))) {
                    Instant observed = outcome.observedAt() == null ? now : Instant.parse(outcome.observedAt());
                    batch.bind(0, DEPLOYMENT).bind(1, outcome.predictionId()).bind(2, outcome.outcome().asInt() == 1 ? "1" : "0")
                            .bind(3, DatabaseTimes.toDb(observed)).bind(4, DatabaseTimes.toDb(now)).bind(5, USER).add();
                }
                batch.execute();
            }
            return null;
        });
        return (System.nanoTime() - started) / 1e9;
    }

    /** The first load's time, the last one's, and the slowest: how loading grows with the tables. */
    private static String loadTrend(List<Double> times) {
        if (times.isEmpty()) {
            return "none";
        }
        return String.format(Locale.ROOT, "the first took %.2f s, the last %.2f s, the slowest %.2f s", times.get(0),
                times.get(times.size() - 1), times.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    /** One load of outcomes, checked to be all accepted and joined; answers its time. */
    private static double load(Wiring wiring, List<NewOutcome> outcomes) {
        long started = System.nanoTime();
        OutcomeLoad load = wiring.monitoring().loadOutcomes(DEPLOYMENT, outcomes, USER);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (load.accepted() != outcomes.size() || load.orphans() != 0 || load.duplicates() != 0) {
            throw new IllegalStateException("a load of " + outcomes.size() + " outcomes gave " + load);
        }
        return seconds;
    }

    /**
     * One monitoring run, timed, with the windows it computed, the metrics it recorded and the sum of the heap pools' peaks
     * meanwhile (after a GC before the run): garbage included, and the pools peak at different times, so it can exceed the
     * heap's maximum; a bound on what the run allocated at once, not its live set.
     */
    private record Run(double seconds, int windows, long metrics, long heapPeak) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f s, %d windows, %d metrics, heap pools' peaks %s", seconds, windows, metrics,
                    megabytes(heapPeak));
        }
    }

    private static Run monitor(Wiring wiring) {
        long metricsBefore = monitorMetrics(wiring);
        System.gc();   // every run starts from the same heap, not from the garbage of the steps before it
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long started = System.nanoTime();
        QualityMonitor.RunSummary summary = wiring.monitor().runOnce();
        double seconds = (System.nanoTime() - started) / 1e9;
        long heapPeak = pools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        Integer windows = summary.windowsByDeployment().get(DEPLOYMENT);
        if (windows == null) {
            throw new IllegalStateException("the monitoring run failed for " + DEPLOYMENT + " (see the warning above)");
        }
        return new Run(seconds, windows, monitorMetrics(wiring) - metricsBefore, heapPeak);
    }

    private static long monitorMetrics(Wiring wiring) {
        return wiring.database().jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM metrics WHERE recorded_by = ?")
                .bind(0, MONITOR).mapTo(Long.class).one());
    }

    /** Removes the deployment's cursor, so the next run starts from the beginning as on a new deployment. */
    private static void resetCursor(Wiring wiring) {
        wiring.database().jdbi().useHandle(handle -> handle.createUpdate("DELETE FROM monitoring_cursors WHERE deployment = ?")
                .bind(0, DEPLOYMENT).execute());
    }

    /** The predictions and outcomes the deployment has. */
    private static String data(Wiring wiring) {
        return wiring.database().jdbi().withHandle(handle -> {
            long logged = handle.createQuery("SELECT COUNT(*) FROM predictions WHERE deployment = ?").bind(0, DEPLOYMENT)
                    .mapTo(Long.class).one();
            long outcomes = handle.createQuery("SELECT COUNT(*) FROM outcomes WHERE deployment = ?").bind(0, DEPLOYMENT)
                    .mapTo(Long.class).one();
            return logged == outcomes ? count(logged) + " joined" : count(logged) + " logged, " + count(outcomes) + " outcomes";
        });
    }

    /** Rows like the logged inputs, with the model's probability as the prediction: a sketch pass, then exact counts. */
    private Profile referenceProfile(UUID instance) {
        LoggedTrips reference = new LoggedTrips(seed + 1, DEPLOYMENT, instance);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        ProfileBuilder sketch = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        for (int index = 0; index < profileRows; index++) {
            LoggedTrips.Trip trip = reference.trip(index, LoggedTrips.spread(start, Duration.ofDays(1), index, profileRows));
            sketch.add(trip.features(), trip.probability());
        }
        ProfileBuilder exact = ProfileBuilder.binLike(sketch.build());
        for (int index = 0; index < profileRows; index++) {
            LoggedTrips.Trip trip = reference.trip(index, LoggedTrips.spread(start, Duration.ofDays(1), index, profileRows));
            exact.add(trip.features(), trip.probability());
        }
        return exact.build();
    }

    /**
     * The daily window of the day, one step at a time, with the monitor's own queries: finding the touched windows (every
     * outcome's prediction), reading the window's joined rows, parsing their outputs, computing the quality, reading and
     * counting its inputs for drift, and recording a window's metrics. Each is timed alone, after a first run has warmed
     * the code and the database's caches.
     */
    private void breakdown(Wiring wiring, UUID instance, Instant day, Results results) {
        LocalDateTime start = DatabaseTimes.toDb(day);
        LocalDateTime end = DatabaseTimes.toDb(day.plus(Duration.ofDays(1)));

        long started = System.nanoTime();
        long touched = wiring.database().jdbi().inTransaction(handle -> handle.createQuery("SELECT p.instance_id, p.created_at"
                        + " FROM outcomes o JOIN predictions p ON p.deployment = o.deployment AND p.prediction_id = o.prediction_id"
                        + " WHERE o.deployment = ? AND o.received_at > ? AND o.received_at <= ?")
                .bind(0, DEPLOYMENT).bind(1, DatabaseTimes.toDb(Instant.EPOCH)).bind(2, DatabaseTimes.toDb(DatabaseTimes.now()))
                .map((rs, ctx) -> {
                    UUID.fromString(rs.getString(1));
                    rs.getObject(2, LocalDateTime.class);
                    return null;
                }).list().size());
        results.breakdown.add("find the touched windows: every outcome received since the cursor joined with its prediction"
                + " (first run: all of them)", count(touched), seconds((System.nanoTime() - started) / 1e9));

        started = System.nanoTime();
        List<String> outputs = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        wiring.database().jdbi().useTransaction(handle -> handle.createQuery("SELECT p.output, o.outcome FROM predictions p JOIN"
                        + " outcomes o ON o.deployment = p.deployment AND o.prediction_id = p.prediction_id WHERE p.deployment = ?"
                        + " AND p.instance_id = ? AND p.created_at >= ? AND p.created_at < ?")
                .bind(0, DEPLOYMENT).bind(1, instance.toString()).bind(2, start).bind(3, end)
                .map((rs, ctx) -> {
                    outputs.add(rs.getString(1));
                    labels.add(rs.getString(2));
                    return null;
                }).list());
        int rows = outputs.size();
        results.breakdown.add("read the day's joined rows (output and outcome)", count(rows), seconds((System.nanoTime() - started) / 1e9));

        started = System.nanoTime();
        List<JsonNode> parsed = new ArrayList<>(rows);
        for (String output : outputs) {
            parsed.add(RegistryJson.readTree(output));
        }
        results.breakdown.add("parse their outputs (RegistryJson.readTree), held as the monitor holds them", count(rows),
                seconds((System.nanoTime() - started) / 1e9));
        outputs.clear();

        started = System.nanoTime();
        int[] truth = new int[rows];
        double[] scores = new double[rows];
        int[] predicted = new int[rows];
        for (int i = 0; i < rows; i++) {
            JsonNode output = parsed.get(i);
            truth[i] = labels.get(i).equals("1") ? 1 : 0;
            scores[i] = output.get("probability").get(1).asDouble();
            predicted[i] = (int) output.get("prediction").asDouble();
        }
        Map<String, Double> quality = BinaryClassificationQuality.of(truth, scores, predicted).metrics();
        results.breakdown.add("compute the quality (BinaryClassificationQuality: " + quality.size() + " metrics)", count(rows),
                seconds((System.nanoTime() - started) / 1e9));
        parsed.clear();
        labels.clear();

        Profile reference = referenceProfile(instance);
        List<String[]> logged = new ArrayList<>();
        started = System.nanoTime();
        wiring.database().jdbi().useTransaction(handle -> handle.createQuery("SELECT input, output FROM predictions WHERE"
                        + " deployment = ? AND instance_id = ? AND created_at >= ? AND created_at < ?")
                .bind(0, DEPLOYMENT).bind(1, instance.toString()).bind(2, start).bind(3, end)
                .map((rs, ctx) -> logged.add(new String[] {rs.getString(1), rs.getString(2)})).list());
        results.breakdown.add("drift: read the day's logged inputs and outputs", count(logged.size()),
                seconds((System.nanoTime() - started) / 1e9));
        started = System.nanoTime();
        ProfileBuilder counts = ProfileBuilder.binLike(reference);
        for (String[] row : logged) {
            JsonNode input = RegistryJson.readTree(row[0]);
            JsonNode output = RegistryJson.readTree(row[1]);
            Map<String, Object> values = new LinkedHashMap<>();
            input.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().isNumber()
                    ? (Object) field.getValue().asDouble() : field.getValue().isNull() ? null : field.getValue().asText()));
            counts.add(values, output.get("probability").get(1).asDouble());
        }
        counts.build();
        results.breakdown.add("drift: parse them and count them on the reference's bins", count(logged.size()),
                seconds((System.nanoTime() - started) / 1e9));
        logged.clear();

        started = System.nanoTime();
        for (Map.Entry<String, Double> metric : quality.entrySet()) {
            wiring.registry().addMetric(instance, new NewMetric("breakdown." + metric.getKey(), "production", metric.getValue(), null,
                    Map.of("window", "1d", "windowStart", day.toString(), "deployment", DEPLOYMENT)), USER);
        }
        double recordSeconds = (System.nanoTime() - started) / 1e9;
        results.breakdown.add("record a window's " + quality.size() + " metrics (ModelRegistry.addMetric, each a transaction and"
                + " an event; the monitor also writes monitoring_windows)", count(quality.size()), seconds(recordSeconds));
    }

    // ---- set-up

    private Instance createInstance(ModelRegistry registry) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelArchive.pack(modelDir, zip);
        byte[] bytes = zip.toByteArray();
        registry.createProject(new NewProject("bench", "monitoring benchmark"), USER);
        ModelRef ref = registry.createModel("bench", NewModel.named("trips"), USER).ref();
        StoredBlob blob = registry.blobStore().put(new ByteArrayInputStream(bytes), Long.MAX_VALUE);
        return registry.createInstance(ref, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "spark-pipeline", "zip"),
                Map.of("benchmark", "monitoring"), null), USER);
    }

    private void recreatePostgresql() throws SQLException {
        adminSql("DROP DATABASE IF EXISTS " + postgresqlDatabase + " WITH (FORCE)");
        adminSql("CREATE DATABASE " + postgresqlDatabase);
    }

    private void adminSql(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgresqlUrl + postgresqlAdminDatabase, postgresqlUser, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private String size(Database kind, Wiring wiring, Path home) throws IOException {
        if (kind == Database.POSTGRESQL) {
            return wiring.database().jdbi().withHandle(handle -> handle.createQuery("SELECT pg_size_pretty(pg_database_size(?))")
                    .bind(0, postgresqlDatabase).mapTo(String.class).one());
        }
        Path file = home.resolve("registry.mv.db");
        return Files.isRegularFile(file) ? megabytes(Files.size(file)) : "unknown";
    }

    // ---- formats

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String spread(double[] sorted) {
        return String.format(Locale.ROOT, "median %s (%s–%s)", seconds(median(sorted)), seconds(sorted[0]),
                seconds(sorted[sorted.length - 1]));
    }

    private static String seconds(double seconds) {
        return seconds < 10 ? String.format(Locale.ROOT, "%.2f s", seconds) : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String rate(long rows, double seconds) {
        return String.format(Locale.ROOT, "%,.0f rows/s", rows / seconds);
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }



}
