package io.carrara.registry.deploy;

import io.carrara.registry.db.DatabaseDialect;

class PostgresDeploymentRegistryTest extends AbstractDeploymentRegistryTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.POSTGRESQL;
    }
}
