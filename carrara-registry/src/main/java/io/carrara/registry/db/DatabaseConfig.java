package io.carrara.registry.db;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the registry's metadata lives. The default is an H2 file database under the Carrara home;
 * production points {@code url} at PostgreSQL ({@code jdbc:postgresql://host/db}) or
 * MariaDB/MySQL ({@code jdbc:mariadb://host/db}). {@code connectionTimeout} bounds how long a call
 * waits for a connection when the database is away, before it answers DATABASE_UNAVAILABLE.
 */
public record DatabaseConfig(String url, String user, String password, int maxPoolSize, Duration connectionTimeout) {
    /** Long enough for a connection under load, short enough that a client is told quickly that the database is away. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    public DatabaseConfig {
        requireNonNull(url, "url is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(connectionTimeout, "connectionTimeout is null");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1: " + maxPoolSize);
        }
        // HikariCP refuses less than 250 ms.
        if (connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("connectionTimeout must be at least 250 ms: " + connectionTimeout);
        }
        DatabaseDialect.fromUrl(url);
    }

    public DatabaseConfig(String url, String user, String password, int maxPoolSize) {
        this(url, user, password, maxPoolSize, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** The embedded default: an H2 file database at {@code home/registry}. */
    public static DatabaseConfig embedded(Path home) {
        // AUTO_SERVER lets a second process (the CLI's local tools, a benchmark) open the same file.
        return new DatabaseConfig("jdbc:h2:file:" + home.toAbsolutePath().resolve("registry") + ";AUTO_SERVER=TRUE",
                "sa", "", 10);
    }

    public DatabaseDialect dialect() {
        return DatabaseDialect.fromUrl(url);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****")
                + ", maxPoolSize=" + maxPoolSize + ", connectionTimeout=" + connectionTimeout + "]";
    }
}
