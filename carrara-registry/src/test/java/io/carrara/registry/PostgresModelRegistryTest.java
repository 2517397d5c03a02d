package io.carrara.registry;

import io.carrara.registry.db.DatabaseDialect;

class PostgresModelRegistryTest extends AbstractModelRegistryTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.POSTGRESQL;
    }
}
