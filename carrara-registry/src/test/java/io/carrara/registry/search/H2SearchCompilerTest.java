package io.carrara.registry.search;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

class H2SearchCompilerTest extends AbstractSearchCompilerTest {
    @Override
    protected TestDatabase openDatabase() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:search_test_" + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1");
        return new TestDatabase(dataSource, SearchFixture.H2_PLACEHOLDERS, () -> {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        });
    }
}
