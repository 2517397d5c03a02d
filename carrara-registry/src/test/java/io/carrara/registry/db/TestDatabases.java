package io.carrara.registry.db;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh, empty databases for tests: H2 in memory always; PostgreSQL and MariaDB on this machine's
 * servers (each test gets a database of its own, dropped by {@link TestDatabase#close()}). When a
 * server is unreachable the test is skipped, unless {@code CARRARA_REQUIRE_SERVICES=true} (as in
 * CI), where it fails.
 */
public final class TestDatabases {
    public static final String POSTGRES_URL = env("CARRARA_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String POSTGRES_USER = env("CARRARA_TEST_POSTGRES_USER", "postgres");
    public static final String MARIADB_URL = env("CARRARA_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
    public static final String MARIADB_USER = env("CARRARA_TEST_MARIADB_USER", "root");

    private TestDatabases() {}

    /** A database created for one test, with the config to reach it. */
    public record TestDatabase(DatabaseConfig config, Runnable dropper) implements AutoCloseable {
        @Override
        public void close() {
            dropper.run();
        }
    }

    public static boolean servicesRequired() {
        return "true".equalsIgnoreCase(System.getenv("CARRARA_REQUIRE_SERVICES"));
    }

    public static TestDatabase create(DatabaseDialect dialect) {
        String name = "carrara_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        return switch (dialect) {
            case H2 -> new TestDatabase(new DatabaseConfig("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", 8),
                    () -> dropH2(name));
            case POSTGRESQL -> {
                String admin = POSTGRES_URL + "postgres";
                execute(dialect, admin, POSTGRES_USER, "CREATE DATABASE " + name);
                yield new TestDatabase(new DatabaseConfig(POSTGRES_URL + name, POSTGRES_USER, "", 8),
                        () -> execute(dialect, admin, POSTGRES_USER, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
            }
            case MARIADB -> {
                execute(dialect, MARIADB_URL, MARIADB_USER, "CREATE DATABASE " + name);
                yield new TestDatabase(new DatabaseConfig(MARIADB_URL + name, MARIADB_USER, "", 8),
                        () -> execute(dialect, MARIADB_URL, MARIADB_USER, "DROP DATABASE IF EXISTS " + name));
            }
        };
    }

    private static void dropH2(String name) {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:" + name, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(DatabaseDialect dialect, String url, String user, String sql) {
        try (Connection connection = DriverManager.getConnection(url, user, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            String message = dialect + " is not reachable at " + url + " as " + user + ": " + e.getMessage();
            if (servicesRequired()) {
                fail(message + " (CARRARA_REQUIRE_SERVICES=true, so this fails instead of skipping)");
            }
            Assumptions.abort(message);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
