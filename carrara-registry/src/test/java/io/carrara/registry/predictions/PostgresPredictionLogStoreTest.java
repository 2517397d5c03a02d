package io.carrara.registry.predictions;

import io.carrara.registry.db.DatabaseDialect;

class PostgresPredictionLogStoreTest extends AbstractPredictionLogStoreTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.POSTGRESQL;
    }
}
