package io.carrara.registry.deploy;

import io.carrara.registry.db.DatabaseDialect;

class H2DeploymentRegistryTest extends AbstractDeploymentRegistryTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.H2;
    }
}
