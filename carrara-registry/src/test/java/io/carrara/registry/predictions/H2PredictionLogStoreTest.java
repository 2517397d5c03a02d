package io.carrara.registry.predictions;

import io.carrara.registry.db.DatabaseDialect;

class H2PredictionLogStoreTest extends AbstractPredictionLogStoreTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.H2;
    }
}
