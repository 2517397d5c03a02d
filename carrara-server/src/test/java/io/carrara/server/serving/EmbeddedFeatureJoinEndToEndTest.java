package io.carrara.server.serving;

import java.util.Map;

/** The embedded feature store, on a server that loads models lazily (on their first request). */
class EmbeddedFeatureJoinEndToEndTest extends FeatureJoinEndToEndTest {
    @Override
    protected Map<String, String> settings() {
        return Map.of("features.store", "embedded", "serving.loadMode", "lazy");
    }
}
