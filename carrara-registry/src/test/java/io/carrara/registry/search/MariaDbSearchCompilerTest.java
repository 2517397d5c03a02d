package io.carrara.registry.search;

import io.carrara.registry.db.DatabaseDialect;

class MariaDbSearchCompilerTest extends AbstractSearchCompilerTest {
    @Override
    protected DatabaseDialect dialect() {
        return DatabaseDialect.MARIADB;
    }
}
