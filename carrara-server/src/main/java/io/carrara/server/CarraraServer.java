package io.carrara.server;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import com.linecorp.armeria.server.annotation.JacksonResponseConverterFunction;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.server.api.ApiErrors;
import io.carrara.server.api.ApiReferencePage;
import io.carrara.server.api.ArtifactApi;
import io.carrara.server.api.FeatureApi;
import io.carrara.server.api.FeatureLoadApi;
import io.carrara.server.api.RegistryApi;
import io.carrara.server.oip.OpenInference;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.predict.InferenceBackend;
import io.carrara.spi.blob.BlobStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Carrara server: the registry API, artifact streaming, the online feature store, the
 * API reference page and Prometheus metrics, all on one port.
 *
 * <pre>{@code
 * try (CarraraServer server = CarraraServer.start(ServerConfig.embedded(home, 0))) {
 *     URI api = server.uri();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class CarraraServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CarraraServer.class);

    private final ServerConfig config;
    private final RegistryDatabase database;
    private final BlobStore blobStore;
    private final ModelRegistry registry;
    private final FeatureStore featureStore;
    private final Server server;
    private final JvmGcMetrics gcMetrics;

    private CarraraServer(ServerConfig config, RegistryDatabase database, BlobStore blobStore, ModelRegistry registry,
            FeatureStore featureStore, Server server, JvmGcMetrics gcMetrics) {
        this.config = config;
        this.database = database;
        this.blobStore = blobStore;
        this.registry = registry;
        this.featureStore = featureStore;
        this.server = server;
        this.gcMetrics = gcMetrics;
    }

    public static CarraraServer start(ServerConfig config) {
        return start(config, null);
    }

    /** {@code inference}, when not null, is served over the Open Inference Protocol (REST /v2 and gRPC). */
    public static CarraraServer start(ServerConfig config, InferenceBackend inference) {
        requireNonNull(config, "config is null");
        try {
            Files.createDirectories(config.home());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the Carrara home " + config.home() + ": " + e.getMessage(), e);
        }
        RegistryDatabase database = RegistryDatabase.open(config.database());
        BlobStore blobStore = null;
        FeatureStore featureStore = null;
        try {
            blobStore = config.blobs().open();
            featureStore = config.features().open();
            ModelRegistry registry = new ModelRegistry(database, blobStore);
            PrometheusMeterRegistry meters = PrometheusMeterRegistries.newRegistry();
            new JvmMemoryMetrics().bindTo(meters);
            new JvmThreadMetrics().bindTo(meters);
            new ProcessorMetrics().bindTo(meters);
            JvmGcMetrics gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(meters);
            Server server = build(config, registry, featureStore, meters, inference);
            server.start().join();
            log.atInfo().setMessage("Carrara started")
                    .addKeyValue("port", server.activeLocalPort())
                    .addKeyValue("database", config.database().url())
                    .addKeyValue("blobs", config.blobs().describe())
                    .addKeyValue("features", featureStore.describe())
                    .log();
            return new CarraraServer(config, database, blobStore, registry, featureStore, server, gcMetrics);
        } catch (RuntimeException e) {
            database.close();
            closeQuietly(blobStore);
            closeQuietly(featureStore);
            throw e;
        }
    }

    private static Server build(ServerConfig config, ModelRegistry registry, FeatureStore featureStore,
            PrometheusMeterRegistry meters, InferenceBackend inference) {
        ApiErrors errors = new ApiErrors();
        JacksonResponseConverterFunction json = new JacksonResponseConverterFunction(RegistryJson.mapper());
        String version = versionOf(CarraraServer.class);
        ServerBuilder builder = Server.builder()
                .http(new InetSocketAddress(config.host(), config.port()))
                .meterRegistry(meters)
                .errorHandler(errors)
                .accessLogWriter(AccessLogWriter.combined(), true)
                .maxRequestLength(config.maxRequestBytes())
                .requestTimeout(config.requestTimeout())
                // Stop once no request has been in flight for a second, and never wait longer than the grace period.
                .gracefulShutdownTimeout(min(Duration.ofSeconds(1), config.shutdownGrace()), config.shutdownGrace());
        builder.annotatedService()
                .pathPrefix("/api/v1")
                .useBlockingTaskExecutor(true)
                .exceptionHandlers(errors)
                .responseConverters(json)
                .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("carrara.http.requests")))
                .build(new RegistryApi(registry, version));
        builder.annotatedService()
                .pathPrefix("/api/v1")
                .useBlockingTaskExecutor(true)
                // Blobs are streamed and bounded by limits.maxBlobBytes in ArtifactApi, not by the JSON body limit.
                .maxRequestLength(0)
                .requestTimeout(Duration.ZERO)
                .exceptionHandlers(errors)
                .responseConverters(json)
                .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("carrara.http.requests")))
                .build(new ArtifactApi(registry, config.maxBlobBytes()));
        builder.annotatedService()
                .pathPrefix("/api/v1")
                .useBlockingTaskExecutor(true)
                .exceptionHandlers(errors)
                .responseConverters(json)
                .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("carrara.http.requests")))
                .build(new FeatureApi(featureStore));
        builder.annotatedService()
                .pathPrefix("/api/v1")
                .useBlockingTaskExecutor(true)
                // A bulk load streams through the loader in batches, so its size is not bounded by the JSON body limit.
                .maxRequestLength(0)
                .requestTimeout(Duration.ZERO)
                .exceptionHandlers(errors)
                .responseConverters(json)
                .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("carrara.http.requests")))
                .build(new FeatureLoadApi(featureStore));
        if (inference != null) {
            OpenInference.register(builder, inference, version);
        }
        builder.service("/metrics", PrometheusExpositionService.of(meters.getPrometheusRegistry()));
        builder.route().methods(HttpMethod.GET).path("/docs/api").build(new ApiReferencePage());
        builder.route().methods(HttpMethod.GET).path("/").build(
                (ctx, req) -> com.linecorp.armeria.common.HttpResponse.ofRedirect("/docs/api"));
        return builder.build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    public int port() {
        return server.activeLocalPort();
    }

    public URI uri() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    public ServerConfig config() {
        return config;
    }

    public ModelRegistry registry() {
        return registry;
    }

    public FeatureStore featureStore() {
        return featureStore;
    }

    /** Stops accepting requests, lets in-flight ones finish within the grace period, then releases everything. */
    @Override
    public void close() {
        try {
            server.stop().join();
        } finally {
            gcMetrics.close();
            database.close();
            closeQuietly(blobStore);
            closeQuietly(featureStore);
        }
    }

    private static void closeQuietly(FeatureStore store) {
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            log.warn("closing the feature store failed", e);
        }
    }

    private static void closeQuietly(BlobStore store) {
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (IOException e) {
            log.warn("closing the blob store failed", e);
        }
    }
}
