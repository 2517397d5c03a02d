package io.carrara.registry.search;

import io.carrara.registry.db.DatabaseDialect;

class H2SearchCompilerTest extends AbstractSearchCompilerTest {
    @Override
    protected DatabaseDialect dialect() {
        return DatabaseDialect.H2;
    }
}
