package io.carrara.bench.registry;

import io.carrara.registry.ModelRegistry;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseConfig;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewInstance.ArtifactSpec;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Loads a registry with many instances (each with metadata and metrics) and measures, through
 * {@link ModelRegistry}, create-instance latency and search latency for selective and broad filters.
 * Bulk loading writes the registry's own tables with JDBC batches (the API path would take hours at
 * a million rows); everything measured goes through the registry as a server would call it.
 *
 * <pre>
 * java -cp 'carrara-bench/target/carrara-bench.jar' io.carrara.bench.registry.RegistryBenchmark \
 *     --url jdbc:postgresql://127.0.0.1:5432/carrara_bench --user postgres --instances 1000000
 * </pre>
 */
public final class RegistryBenchmark {
    private static final String[] CITIES = {"nyc", "sf", "la", "chicago", "seattle", "boston", "austin", "denver", "miami",
            "atlanta", "paris", "london", "berlin", "madrid", "rome", "tokyo", "seoul", "sydney", "toronto", "mexico_city"};
    private static final int PROJECTS = 20;
    private static final int MODELS_PER_PROJECT = 100;

    private RegistryBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String url = options.getOrDefault("--url", "jdbc:h2:file:" + Path.of("target/bench-registry").toAbsolutePath());
        String user = options.getOrDefault("--user", url.startsWith("jdbc:h2") ? "sa" : "postgres");
        int instances = Integer.parseInt(options.getOrDefault("--instances", "100000"));
        int creates = Integer.parseInt(options.getOrDefault("--creates", "1000"));
        int searches = Integer.parseInt(options.getOrDefault("--searches", "200"));
        Path blobRoot = Files.createTempDirectory("carrara-bench-blobs");

        try (RegistryDatabase database = RegistryDatabase.open(new DatabaseConfig(url, user, options.getOrDefault("--password", ""), 4));
                FileSystemBlobStore blobs = new FileSystemBlobStore(blobRoot)) {
            ModelRegistry registry = new ModelRegistry(database, blobs);
            StoredBlob blob = blobs.put(new ByteArrayInputStream("benchmark model".getBytes(StandardCharsets.UTF_8)), 1 << 20);
            long existing = count(database, "SELECT COUNT(*) FROM instances");
            System.out.printf("database %s holds %,d instances%n", url, existing);
            if (existing < instances) {
                long started = System.nanoTime();
                load(database, registry, blob, instances - (int) existing, (int) existing);
                System.out.printf("loaded %,d instances in %.1f s%n", instances - existing, (System.nanoTime() - started) / 1e9);
                analyze(database);
            }
            System.out.printf("instances=%,d metadata rows=%,d metric rows=%,d%n", count(database, "SELECT COUNT(*) FROM instances"),
                    count(database, "SELECT COUNT(*) FROM instance_metadata"), count(database, "SELECT COUNT(*) FROM metrics"));

            if (creates == 0 && searches == 0) {
                return;
            }
            // Warm up the JIT, the pool and the database caches before measuring.
            runSearches(registry, Math.max(20, searches / 5), false);
            measureCreates(registry, blob, creates);
            runSearches(registry, searches, true);
        }
    }

    private static void measureCreates(ModelRegistry registry, StoredBlob blob, int creates) {
        Random random = new Random(7);
        long[] nanos = new long[creates];
        for (int i = 0; i < creates; i++) {
            ModelRef ref = new ModelRef("project_" + random.nextInt(PROJECTS), "model_" + random.nextInt(MODELS_PER_PROJECT));
            NewInstance request = new NewInstance(new ArtifactSpec(blob.sha256(), "opaque", null),
                    Map.of("city", CITIES[random.nextInt(CITIES.length)], "trainingData", "hive://trips/bench"), null);
            long started = System.nanoTime();
            Instance instance = registry.createInstance(ref, request, "bench");
            registry.addMetric(instance.id(), new NewMetric("mae", "validation", random.nextDouble() * 10, null, null), "bench");
            nanos[i] = System.nanoTime() - started;
        }
        report("create instance + metric", nanos);
    }

    /**
     * Each filter is a template whose values change on every run ({@code %1$s} a model, {@code %2$s}
     * a city, {@code %3$s} another city, {@code %4$s} a project, {@code %5$.2f} a threshold), so no
     * database can answer from a cache of the previous identical query.
     */
    private static void runSearches(ModelRegistry registry, int repetitions, boolean print) {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("selective: model+meta+metric+deprecated",
                "model = '%1$s' AND meta.city = '%2$s' AND metric.validation.mae < %5$.2f AND NOT deprecated"
                        + " ORDER BY created_at DESC LIMIT 10");
        filters.put("selective: project+model, order by metric",
                "project = '%4$s' AND model = '%1$s' ORDER BY metric.validation.mae ASC LIMIT 10");
        filters.put("broad: metric < x AND NOT deprecated",
                "metric.validation.mae < %5$.2f AND NOT deprecated ORDER BY created_at DESC LIMIT 10");
        filters.put("broad: meta.city = x", "meta.city = '%2$s' ORDER BY created_at DESC LIMIT 10");
        filters.put("broad: created_at range, newest 100",
                "created_at < '2026-%6$02d-01' ORDER BY created_at DESC LIMIT 100");
        filters.put("broad: OR of two cities, page 5",
                "(meta.city = '%2$s' OR meta.city = '%3$s') AND metric.validation.auc > 0.9 LIMIT 20 OFFSET 80");
        Random random = new Random(11);
        for (Map.Entry<String, String> filter : filters.entrySet()) {
            long[] nanos = new long[repetitions];
            long found = 0;
            for (int i = 0; i < repetitions; i++) {
                String query = String.format(java.util.Locale.ROOT, filter.getValue(),
                        "model_" + random.nextInt(MODELS_PER_PROJECT),
                        CITIES[random.nextInt(CITIES.length)],
                        CITIES[random.nextInt(CITIES.length)],
                        "project_" + random.nextInt(PROJECTS),
                        2 + random.nextDouble() * 6,
                        1 + random.nextInt(12));
                long started = System.nanoTime();
                found += registry.search(query, null, null).items().size();
                nanos[i] = System.nanoTime() - started;
            }
            if (print) {
                report(filter.getKey() + " (avg " + found / repetitions + " rows)", nanos);
            }
        }
    }

    private static void report(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-55s n=%5d  p50=%8.2f ms  p99=%8.2f ms  max=%8.2f ms%n", name, sorted.length,
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static long percentile(long[] sorted, double fraction) {
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void load(RegistryDatabase database, ModelRegistry registry, StoredBlob blob, int count, int offset)
            throws SQLException {
        List<Long> modelIds = new ArrayList<>();
        for (int p = 0; p < PROJECTS; p++) {
            String project = "project_" + p;
            if (count(database, "SELECT COUNT(*) FROM projects WHERE name = '" + project + "'") == 0) {
                registry.createProject(new NewProject(project, null), "bench");
            }
            for (int m = 0; m < MODELS_PER_PROJECT; m++) {
                ModelRef ref = new ModelRef(project, "model_" + m);
                if (count(database, "SELECT COUNT(*) FROM models m JOIN projects p ON p.project_id = m.project_id WHERE p.name = '"
                        + project + "' AND m.name = '" + ref.name() + "'") == 0) {
                    registry.createModel(project, NewModel.named(ref.name()), "bench");
                }
            }
        }
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT model_id FROM models ORDER BY model_id")) {
            while (rs.next()) {
                modelIds.add(rs.getLong(1));
            }
        }
        Random random = new Random(42 + offset);
        Instant base = Instant.parse("2025-11-01T00:00:00Z");
        int batch = 2_000;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement instance = connection.prepareStatement("""
                    INSERT INTO instances (instance_id, model_id, version, created_at, created_by, reason, previous_instance_id,
                        artifact_sha256, artifact_size, artifact_format, artifact_packaging, artifact_uri, metadata, provenance,
                        deprecated)
                    VALUES (?, ?, ?, ?, 'bench', 'upload', NULL, ?, ?, 'opaque', 'file', ?, ?, '{}', ?)""");
                    PreparedStatement metadata = connection.prepareStatement(
                            "INSERT INTO instance_metadata (instance_id, meta_key, meta_value, meta_number) VALUES (?, ?, ?, ?)");
                    PreparedStatement metric = connection.prepareStatement("""
                            INSERT INTO metrics (instance_id, scope, name, metric_value, metadata, recorded_at, recorded_by)
                            VALUES (?, 'validation', ?, ?, '{}', ?, 'bench')""");
                    PreparedStatement latest = connection.prepareStatement(
                            "INSERT INTO metric_latest (instance_id, scope, name, metric_value, metric_id) VALUES (?, 'validation', ?, ?, 0)")) {
                for (int i = 0; i < count; i++) {
                    int n = offset + i;
                    String id = new UUID(random.nextLong(), random.nextLong()).toString();
                    long modelId = modelIds.get(random.nextInt(modelIds.size()));
                    String city = CITIES[random.nextInt(CITIES.length)];
                    int trees = 10 + random.nextInt(500);
                    LocalDateTime created = LocalDateTime.ofInstant(base.plus(n, ChronoUnit.SECONDS), ZoneOffset.UTC);
                    instance.setString(1, id);
                    instance.setLong(2, modelId);
                    // Versions only need to be unique per model here; n is unique overall.
                    instance.setInt(3, n + 1);
                    instance.setObject(4, created);
                    instance.setString(5, blob.sha256());
                    instance.setLong(6, blob.size());
                    instance.setString(7, blob.uri());
                    instance.setString(8, "{\"city\":\"" + city + "\",\"trees\":\"" + trees + "\",\"trainingData\":\"hive://trips/" + n + "\"}");
                    instance.setBoolean(9, random.nextInt(10) == 0);
                    instance.addBatch();
                    addMetadata(metadata, id, "city", city, null);
                    addMetadata(metadata, id, "trees", Integer.toString(trees), (double) trees);
                    addMetadata(metadata, id, "trainingData", "hive://trips/" + n, null);
                    double mae = random.nextDouble() * 10;
                    double auc = 0.5 + random.nextDouble() / 2;
                    for (Object[] value : new Object[][] {{"mae", mae}, {"auc", auc}}) {
                        metric.setString(1, id);
                        metric.setString(2, (String) value[0]);
                        metric.setDouble(3, (Double) value[1]);
                        metric.setObject(4, created);
                        metric.addBatch();
                        latest.setString(1, id);
                        latest.setString(2, (String) value[0]);
                        latest.setDouble(3, (Double) value[1]);
                        latest.addBatch();
                    }
                    if ((i + 1) % batch == 0 || i == count - 1) {
                        instance.executeBatch();
                        metadata.executeBatch();
                        metric.executeBatch();
                        latest.executeBatch();
                        connection.commit();
                        if ((i + 1) % 100_000 == 0) {
                            System.out.printf("  %,d instances loaded%n", i + 1);
                        }
                    }
                }
            }
        }
    }

    private static void addMetadata(PreparedStatement statement, String id, String key, String value, Double number)
            throws SQLException {
        statement.setString(1, id);
        statement.setString(2, key);
        statement.setString(3, value);
        if (number == null) {
            statement.setNull(4, java.sql.Types.DOUBLE);
        } else {
            statement.setDouble(4, number);
        }
        statement.addBatch();
    }

    private static void analyze(RegistryDatabase database) throws SQLException {
        String sql = switch (database.dialect()) {
            case POSTGRESQL -> "ANALYZE";
            case H2 -> "ANALYZE";
            case MARIADB -> "ANALYZE TABLE instances, instance_metadata, metric_latest, models, projects";
        };
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(RegistryDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("usage: RegistryBenchmark [--url JDBC_URL] [--user U] [--password P] [--instances N]"
                        + " [--creates N] [--searches N]");
                System.exit(0);
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i] + "; try --help");
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }
}
