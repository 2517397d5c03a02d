package io.carrara.registry.monitoring;

import io.carrara.registry.db.DatabaseDialect;

class PostgresMonitoringStoreTest extends AbstractMonitoringStoreTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.POSTGRESQL;
    }
}
