package io.carrara.registry.predictions;

import io.carrara.registry.db.DatabaseDialect;

class MariaDbPredictionLogStoreTest extends AbstractPredictionLogStoreTest {
    @Override
    DatabaseDialect dialect() {
        return DatabaseDialect.MARIADB;
    }
}
