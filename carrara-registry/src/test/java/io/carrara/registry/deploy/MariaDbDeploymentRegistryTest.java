package io.carrara.registry.deploy;

import io.carrara.registry.db.DatabaseDialect;

class MariaDbDeploymentRegistryTest extends AbstractDeploymentRegistryTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.MARIADB;
    }
}
