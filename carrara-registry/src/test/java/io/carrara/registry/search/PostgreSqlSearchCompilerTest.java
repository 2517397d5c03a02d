package io.carrara.registry.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/** Runs the search assertions on the PostgreSQL at 127.0.0.1:5432, in a schema of its own that it drops. */
class PostgreSqlSearchCompilerTest extends AbstractSearchCompilerTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    @Override
    protected TestDatabase openDatabase() throws SQLException {
        PGSimpleDataSource admin = dataSource();
        ServiceAssumptions.assumeReachable(admin, "PostgreSQL at " + URL);
        String schema = "search_test_" + UUID.randomUUID().toString().replace("-", "");
        execute(admin, "CREATE SCHEMA " + schema);
        PGSimpleDataSource dataSource = dataSource();
        dataSource.setCurrentSchema(schema);
        return new TestDatabase(dataSource, SearchFixture.POSTGRESQL_PLACEHOLDERS,
                () -> execute(admin, "DROP SCHEMA " + schema + " CASCADE"));
    }

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(URL);
        dataSource.setUser("postgres");
        dataSource.setConnectTimeout(3);
        return dataSource;
    }

    private static void execute(PGSimpleDataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
