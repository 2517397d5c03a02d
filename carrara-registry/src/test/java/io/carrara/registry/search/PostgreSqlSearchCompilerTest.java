package io.carrara.registry.search;

import io.carrara.registry.db.DatabaseDialect;

class PostgreSqlSearchCompilerTest extends AbstractSearchCompilerTest {
    @Override
    protected DatabaseDialect dialect() {
        return DatabaseDialect.POSTGRESQL;
    }
}
