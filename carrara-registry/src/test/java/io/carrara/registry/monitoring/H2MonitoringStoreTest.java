package io.carrara.registry.monitoring;

import io.carrara.registry.db.DatabaseDialect;

class H2MonitoringStoreTest extends AbstractMonitoringStoreTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.H2;
    }
}
