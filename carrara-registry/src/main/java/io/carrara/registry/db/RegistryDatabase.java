package io.carrara.registry.db;

import static io.carrara.registry.RegistryErrorCode.DATABASE_UNAVAILABLE;
import static io.carrara.spi.error.StandardErrorCode.CONFLICT;
import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.carrara.spi.error.CarraraException;
import java.io.Closeable;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/** A pooled connection to the registry database with its schema migrated to the current version. */
public final class RegistryDatabase implements Closeable {
    private static final int MAX_TRANSACTION_ATTEMPTS = 5;

    private final DatabaseConfig config;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private RegistryDatabase(DatabaseConfig config, HikariDataSource dataSource) {
        this.config = config;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Connects and applies any pending migrations; fails with DATABASE_UNAVAILABLE saying what to check. */
    public static RegistryDatabase open(DatabaseConfig config) {
        requireNonNull(config, "config is null");
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setPoolName("carrara-registry");
        // One isolation level everywhere: MariaDB defaults to REPEATABLE READ, the others to READ COMMITTED,
        // and the version allocation relies on seeing rows committed while it waited for a row lock.
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        if (config.dialect() == DatabaseDialect.POSTGRESQL) {
            // Search filters range from one instance to millions; a cached generic plan chosen for one
            // selectivity is badly wrong for another, so PostgreSQL plans each execution with its values.
            // Registry queries are short and latency-bound: parallel workers cost more to start and gather
            // than they save (measured: 186 ms with workers vs 28 ms without for a selective search at 1M rows).
            hikari.setConnectionInitSql("SET plan_cache_mode = force_custom_plan; SET max_parallel_workers_per_gather = 0");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new CarraraException(DATABASE_UNAVAILABLE,
                    "cannot connect to the registry database at " + config.url() + ": " + rootMessage(e)
                            + "; check that it is running and the URL, user and password are right",
                    "database.url", e);
        }
        try {
            migrate(dataSource, config.dialect());
        } catch (RuntimeException e) {
            dataSource.close();
            throw new CarraraException(DATABASE_UNAVAILABLE,
                    "cannot migrate the registry database at " + config.url() + ": " + rootMessage(e),
                    "database.url", e);
        }
        return new RegistryDatabase(config, dataSource);
    }

    private static void migrate(DataSource dataSource, DatabaseDialect dialect) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(dialect.migrationPlaceholders())
                .table("carrara_schema_history")
                .load()
                .migrate();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /**
     * Runs {@code callback} in a transaction, retrying when the database aborts it for a deadlock or
     * serialization conflict. A {@link CarraraException} thrown by the callback passes through; a unique or
     * foreign key violation that lost a race with a concurrent writer becomes CONFLICT, and a lost
     * connection DATABASE_UNAVAILABLE.
     */
    public <T> T inTransaction(HandleCallback<T, RuntimeException> callback) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(callback);
            } catch (CarraraException e) {
                throw e;
            } catch (RuntimeException e) {
                SQLException sql = findSqlException(e);
                if (sql != null && isRetryable(sql) && attempt < MAX_TRANSACTION_ATTEMPTS) {
                    continue;
                }
                if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                    throw new CarraraException(CONFLICT,
                            "a concurrent change conflicted with this one; retry the request", null, e);
                }
                Optional<CarraraException> unavailable = unavailable(e);
                if (unavailable.isPresent()) {
                    throw unavailable.get();
                }
                throw e;
            }
        }
    }

    /**
     * DATABASE_UNAVAILABLE when {@code error} says the database could not be reached (no connection
     * within the timeout, a connection lost or refused), for any caller, read or write.
     */
    public static Optional<CarraraException> unavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CarraraException carrara && carrara.errorCode().equals(DATABASE_UNAVAILABLE.toErrorCode())) {
                return Optional.of(carrara);
            }
            if (t instanceof SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException
                    || t instanceof SQLException sql && sql.getSQLState() != null && connectionLost(sql.getSQLState())) {
                return Optional.of(new CarraraException(DATABASE_UNAVAILABLE, "the registry database is unreachable; the"
                        + " server answers again once it is back (an operator can check it with GET /api/v1/health)", null, error));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * SQL states that say the connection or the server went away: class 08 (connection exception) on
     * every database, and PostgreSQL's 57P01-57P03 (the server shut down, crashed, or is starting).
     */
    private static boolean connectionLost(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }

    /** Whether a connection answers within {@code timeout}, for the health endpoint. */
    public boolean reachable(Duration timeout) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
        try (java.sql.Connection connection = dataSource.getConnection()) {
            return connection.isValid(seconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static SQLException findSqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        // 40001 serialization failure / deadlock (all three), 40P01 PostgreSQL deadlock, HYT00 H2 lock timeout.
        return "40001".equals(state) || "40P01".equals(state) || "HYT00".equals(state);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public DatabaseConfig config() {
        return config;
    }

    public DatabaseDialect dialect() {
        return config.dialect();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
