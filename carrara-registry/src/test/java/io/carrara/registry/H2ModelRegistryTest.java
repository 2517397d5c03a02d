package io.carrara.registry;

import io.carrara.registry.db.DatabaseDialect;

class H2ModelRegistryTest extends AbstractModelRegistryTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.H2;
    }
}
