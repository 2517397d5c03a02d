package io.carrara.registry.monitoring;

import io.carrara.registry.db.DatabaseDialect;

class MariaDbMonitoringStoreTest extends AbstractMonitoringStoreTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.MARIADB;
    }
}
