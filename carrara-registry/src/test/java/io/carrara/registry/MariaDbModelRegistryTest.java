package io.carrara.registry;

import io.carrara.registry.db.DatabaseDialect;

class MariaDbModelRegistryTest extends AbstractModelRegistryTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.MARIADB;
    }
}
