package io.carrara.registry.search;


import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The registry schema plus a small set of projects, models and instances that search tests query.
 * Instance ids are deliberately not in creation order, and two instances share a creation time, so
 * a test notices when results come back in insertion order rather than the order asked for.
 *
 * <pre>
 * instance       model                    v  created (UTC)               by     format          deprecated
 * SURGE_1        pricing/surge            1  2026-11-04T08:30            carol  opaque          yes
 * SUPPLY_3       demand/supply_rejection  3  2026-11-03T10:00:00.123456  alice  python          no
 * DEMAND_ETA_1   demand/eta               1  2026-11-02T10:00            bob    opaque          no
 * SUPPLY_2       demand/supply_rejection  2  2026-11-02T10:00            bob    spark-pipeline  yes
 * SUPPLY_1       demand/supply_rejection  1  2026-11-01T10:00            alice  spark-pipeline  no
 * PRICING_ETA_1  pricing/eta              1  2026-10-15T00:00            carol  python          no
 * </pre>
 * Metadata and latest metrics are listed in {@link #insertRows}.
 */
public final class SearchFixture {

    public static final String SURGE_1 = instanceId(1);
    public static final String PRICING_ETA_1 = instanceId(2);
    public static final String SUPPLY_1 = instanceId(3);
    public static final String DEMAND_ETA_1 = instanceId(4);
    public static final String SUPPLY_2 = instanceId(5);
    public static final String SUPPLY_3 = instanceId(6);

    /** Every instance in the default search order: newest first, then by id. */
    public static final List<String> NEWEST_FIRST =
            List.of(SURGE_1, SUPPLY_3, DEMAND_ETA_1, SUPPLY_2, SUPPLY_1, PRICING_ETA_1);

    private static final long DEMAND = 1;
    private static final long PRICING = 2;
    private static final long SUPPLY_REJECTION = 1;
    private static final long DEMAND_ETA = 2;
    private static final long PRICING_ETA = 3;
    private static final long SURGE = 4;

    private SearchFixture() {}

    /** Inserts the fixture rows into an empty database already migrated to the registry schema. */
    public static void create(DataSource dataSource) throws SQLException {
        requireNonNull(dataSource, "dataSource is null");
        try (Connection connection = dataSource.getConnection()) {
            insertRows(connection);
        }
    }

    /** Runs a compiled search and returns the instance ids in the order the database answered. */
    public static List<String> run(DataSource dataSource, CompiledSearch search) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(search.sql())) {
            for (int i = 0; i < search.parameters().size(); i++) {
                statement.setObject(i + 1, search.parameters().get(i));
            }
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    /** The number of rows in {@code table}, to show a hostile search changed nothing. */
    public static long count(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void insertRows(Connection connection) throws SQLException {
        project(connection, DEMAND, "demand");
        project(connection, PRICING, "pricing");
        model(connection, SUPPLY_REJECTION, DEMAND, "supply_rejection");
        model(connection, DEMAND_ETA, DEMAND, "eta");
        model(connection, PRICING_ETA, PRICING, "eta");
        model(connection, SURGE, PRICING, "surge");

        instance(connection, SUPPLY_1, SUPPLY_REJECTION, 1, "2026-11-01T10:00:00", "alice", "spark-pipeline", false);
        metadata(connection, SUPPLY_1, "city", "nyc", null);
        metadata(connection, SUPPLY_1, "trainingData", "hive://trips/2026-11-01", null);
        metadata(connection, SUPPLY_1, "seed", "42", 42.0);
        metadata(connection, SUPPLY_1, "owner", "o'brien", null);
        metric(connection, 1, SUPPLY_1, "validation", "mae", 5.5);
        metric(connection, 2, SUPPLY_1, "training", "mae", 3.0);

        instance(connection, SUPPLY_2, SUPPLY_REJECTION, 2, "2026-11-02T10:00:00", "bob", "spark-pipeline", true);
        metadata(connection, SUPPLY_2, "city", "sf", null);
        metadata(connection, SUPPLY_2, "seed", "7", 7.0);
        metric(connection, 3, SUPPLY_2, "validation", "mae", 4.2);

        instance(connection, SUPPLY_3, SUPPLY_REJECTION, 3, "2026-11-03T10:00:00.123456", "alice", "python", false);
        metadata(connection, SUPPLY_3, "city", "nyc", null);
        metadata(connection, SUPPLY_3, "seed", "100", 100.0);
        metadata(connection, SUPPLY_3, "note", "50%_off", null);
        metric(connection, 4, SUPPLY_3, "validation", "mae", 3.9);
        metric(connection, 5, SUPPLY_3, "validation", "auc", 0.91);

        instance(connection, DEMAND_ETA_1, DEMAND_ETA, 1, "2026-11-02T10:00:00", "bob", "opaque", false);

        instance(connection, PRICING_ETA_1, PRICING_ETA, 1, "2026-10-15T00:00:00", "carol", "python", false);
        metadata(connection, PRICING_ETA_1, "city", "NYC", null);
        metadata(connection, PRICING_ETA_1, "note", "50 percent", null);
        metric(connection, 6, PRICING_ETA_1, "validation", "mae", 12.0);

        instance(connection, SURGE_1, SURGE, 1, "2026-11-04T08:30:00", "carol", "opaque", true);
        metadata(connection, SURGE_1, "region", "west", null);
        metadata(connection, SURGE_1, "seed", "abc", null);
        metric(connection, 7, SURGE_1, "production", "mae", 7.0);
    }

    private static void project(Connection connection, long id, String name) throws SQLException {
        execute(connection, "INSERT INTO projects (project_id, name, created_at, created_by) VALUES (?, ?, ?, ?)",
                id, name, LocalDateTime.parse("2026-10-01T00:00:00"), "admin");
    }

    private static void model(Connection connection, long id, long projectId, String name) throws SQLException {
        execute(connection, "INSERT INTO models (model_id, project_id, name, features, hyperparameters, tags,"
                        + " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                id, projectId, name, "[]", "{}", "[]", LocalDateTime.parse("2026-10-01T00:00:00"), "admin");
    }

    private static void instance(Connection connection, String id, long modelId, int version, String createdAt,
            String createdBy, String format, boolean deprecated) throws SQLException {
        execute(connection, "INSERT INTO instances (instance_id, model_id, version, created_at, created_by, reason,"
                        + " artifact_sha256, artifact_size, artifact_format, artifact_packaging, artifact_uri,"
                        + " metadata, provenance, deprecated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id, modelId, version, LocalDateTime.parse(createdAt), createdBy, "upload", "0".repeat(64), 1L,
                format, "file", "file:///blobs/" + id, "{}", "{}", deprecated);
    }

    private static void metadata(Connection connection, String instanceId, String key, String value, Double number)
            throws SQLException {
        execute(connection, "INSERT INTO instance_metadata (instance_id, meta_key, meta_value, meta_number)"
                + " VALUES (?, ?, ?, ?)", instanceId, key, value, number);
    }

    private static void metric(Connection connection, long metricId, String instanceId, String scope, String name,
            double value) throws SQLException {
        execute(connection, "INSERT INTO metric_latest (instance_id, scope, name, metric_value, metric_id)"
                + " VALUES (?, ?, ?, ?, ?)", instanceId, scope, name, value, metricId);
    }

    private static void execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] == null) {
                    statement.setNull(i + 1, Types.DOUBLE);
                } else {
                    statement.setObject(i + 1, parameters[i]);
                }
            }
            statement.executeUpdate();
        }
    }

    private static String instanceId(int number) {
        return String.format("00000000-0000-4000-8000-%012d", number);
    }
}
