package io.carrara.registry.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.mariadb.jdbc.MariaDbDataSource;

/** Runs the search assertions on the MariaDB at 127.0.0.1:3306, in a database of its own that it drops. */
class MariaDbSearchCompilerTest extends AbstractSearchCompilerTest {
    private static final String SERVER = "jdbc:mariadb://127.0.0.1:3306/";
    private static final String OPTIONS = "?user=root&connectTimeout=3000";

    @Override
    protected TestDatabase openDatabase() throws SQLException {
        MariaDbDataSource admin = new MariaDbDataSource(SERVER + "test" + OPTIONS);
        ServiceAssumptions.assumeReachable(admin, "MariaDB at " + SERVER);
        String database = "search_test_" + UUID.randomUUID().toString().replace("-", "");
        // The server's default collation ignores case, which would make meta.city = 'nyc' match 'NYC'
        // here but not on H2 or PostgreSQL; a binary collation gives all three the same answers.
        execute(admin, "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return new TestDatabase(new MariaDbDataSource(SERVER + database + OPTIONS), SearchFixture.MARIADB_PLACEHOLDERS,
                () -> execute(admin, "DROP DATABASE " + database));
    }

    private static void execute(MariaDbDataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
