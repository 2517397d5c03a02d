package io.carrara.server.api;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseEntity;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.api.health.Health;
import io.carrara.api.health.HealthStatus;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.serving.features.FeatureStore;
import java.time.Duration;

/**
 * {@code GET /api/v1/health}: whether the server can do its work now. The registry database is
 * needed by almost every call, so without it the answer is 503 {@code unavailable}; without the
 * feature store only deployments that look up features cannot serve, so the answer is 200
 * {@code degraded}. Each store is asked with a short timeout, so the endpoint answers quickly
 * whatever is down.
 */
@ProducesJson
public final class HealthApi {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final RegistryDatabase database;
    private final FeatureStore features;
    private final String version;

    public HealthApi(RegistryDatabase database, FeatureStore features, String version) {
        this.database = requireNonNull(database, "database is null");
        this.features = requireNonNull(features, "features is null");
        this.version = requireNonNull(version, "version is null");
    }

    @Get("/health")
    public ResponseEntity<Health> health() {
        boolean databaseUp = database.reachable(PROBE_TIMEOUT);
        boolean featuresUp = features.available();
        HealthStatus status = !databaseUp ? HealthStatus.UNAVAILABLE : featuresUp ? HealthStatus.OK : HealthStatus.DEGRADED;
        return ResponseEntity.of(ResponseHeaders.of(databaseUp ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE),
                new Health(status, version, databaseUp ? "up" : "down", featuresUp ? "up" : "down"));
    }
}
