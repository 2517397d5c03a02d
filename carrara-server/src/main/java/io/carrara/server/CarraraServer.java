package io.carrara.server;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.common.Flags;
import com.linecorp.armeria.common.util.EventLoopGroups;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import com.linecorp.armeria.server.annotation.JacksonResponseConverterFunction;
import io.carrara.batch.BatchJobService;
import io.carrara.batch.BatchJobStore;
import io.carrara.batch.BatchRunner;
import io.carrara.batch.SparkRuntime;
import io.carrara.batch.TableService;
import io.carrara.batch.workflow.WorkflowService;
import io.carrara.batch.workflow.WorkflowStore;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.RegistryHooks;
import io.carrara.registry.blob.S3BlobStore;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.deploy.Deployment;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.predictions.PredictionLogStore;
import io.carrara.api.access.Role;
import io.carrara.server.access.AccessGuard;
import io.carrara.server.access.AccessPolicy;
import io.carrara.server.access.AccessStore;
import io.carrara.server.access.AdminBootstrap;
import io.carrara.server.access.AuditTrail;
import io.carrara.server.access.Authenticator;
import io.carrara.server.access.OidcVerifier;
import io.carrara.server.access.Principal;
import io.carrara.server.access.RegistryTargets;
import io.carrara.server.api.AccessApi;
import io.carrara.server.api.ApiErrors;
import io.carrara.server.api.ApiReferencePage;
import io.carrara.server.api.ArtifactApi;
import io.carrara.server.api.BatchApi;
import io.carrara.server.api.TableApi;
import io.carrara.server.api.WorkflowApi;
import io.carrara.server.api.DeploymentApi;
import io.carrara.server.api.FeatureApi;
import io.carrara.server.api.FeatureLoadApi;
import io.carrara.server.api.HealthApi;
import io.carrara.server.api.PredictionApi;
import io.carrara.server.api.RegistryApi;
import io.carrara.server.http.CrossOriginGuard;
import io.carrara.server.oip.OpenInference;
import io.carrara.serving.engine.ModelCache;
import io.carrara.serving.engine.ServingEngine;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.serving.runtime.PythonModelRuntime;
import io.carrara.serving.runtime.RuntimeArtifactCheck;
import io.carrara.serving.runtime.SparkPipelineRuntime;
import io.carrara.spi.blob.BlobStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Carrara server: the registry API, artifact streaming, deployments served by the serving
 * engine (plain JSON rows and the Open Inference Protocol over REST and gRPC), the online feature
 * store, the API reference page and Prometheus metrics, all on one port.
 *
 * <pre>{@code
 * try (CarraraServer server = CarraraServer.start(ServerConfig.embedded(home, 0))) {
 *     URI api = server.uri();   // http://127.0.0.1:<port> (https with tls.*)
 * }
 * }</pre>
 */
public final class CarraraServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CarraraServer.class);
    /** How long a deploy may take to load the models it routes to before it answers. */
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);

    private final ServerConfig config;
    private final RegistryDatabase database;
    private final BlobStore blobStore;
    private final ModelRegistry registry;
    private final DeploymentRegistry deployments;
    private final PredictionLogStore predictionLog;
    private final FeatureStore featureStore;
    private final ServingEngine engine;
    private final ModelCache modelCache;
    private final Server server;
    private final JvmGcMetrics gcMetrics;
    private final ScheduledExecutorService sync;
    private final Batch batch;
    private final Access access;
    private final io.carrara.server.rules.Rules rules;
    private final io.carrara.server.monitoring.QualityMonitor monitor;
    /** How long an export of the prediction log or a computation of windows on Spark may take before its request fails. */
    static final Duration MONITORING_JOB_TIMEOUT = Duration.ofMinutes(30);

    /** The Spark side: the lazily started session, tables, batch jobs and workflows with their scheduler. */
    private record Batch(BatchRunner runner, SparkRuntime spark, TableService tables, BatchJobService jobs,
            WorkflowService workflows) {
        static Batch start(ServerConfig config, RegistryDatabase database, ModelRegistry registry, DeploymentRegistry deployments,
                ModelCache cache, PrometheusMeterRegistry meters) {
            BatchRunner runner = new BatchRunner(database, BatchRunner.DEFAULT_HEARTBEAT, BatchRunner.DEFAULT_STALE);
            SparkRuntime spark = new SparkRuntime(config.spark());
            BatchJobService jobs = new BatchJobService(spark, registry, deployments, cache::fetch, config.python(),
                    new BatchJobStore(database, runner.id()), config.batchConcurrency(), meters);
            try {
                WorkflowService workflows = new WorkflowService(database, new WorkflowStore(database, runner.id()), jobs, spark,
                        config.workflowPoll(), config.outbound(), meters);
                return new Batch(runner, spark, new TableService(spark, config.home().resolve("spark").resolve("scratch")),
                        jobs, workflows);
            } catch (RuntimeException e) {
                jobs.close();
                runner.close();
                throw e;
            }
        }

        /** Workflows first (they wait on jobs), then jobs, then Spark and the runner's record. */
        void close() {
            try {
                workflows.close();
                jobs.close();
            } finally {
                try {
                    spark.close();
                } finally {
                    runner.close();
                }
            }
        }
    }

    /** Access control: who may call what (the guard), users, tokens and roles (the store), the audit trail. */
    private record Access(AccessStore store, AuditTrail audit, Authenticator authenticator, RegistryTargets targets,
            AccessGuard guard) {
        static Access start(ServerConfig config, RegistryDatabase database, ModelRegistry registry, DeploymentRegistry deployments,
                BatchJobService jobs, WorkflowService workflows, PrometheusMeterRegistry meters) {
            ServerConfig.Auth auth = config.auth();
            AccessStore store = new AccessStore(database, auth.oidc().isPresent());
            AuditTrail audit = new AuditTrail(database);
            Authenticator authenticator = new Authenticator(store, auth.oidc().map(OidcVerifier::new), auth.cacheFor(),
                    auth.maxFailuresPerMinute(), Clock.systemUTC());
            RegistryTargets targets = new RegistryTargets(registry, deployments, store, auth.cacheFor(), Clock.systemUTC(),
                    new RegistryTargets.BatchLookups(id -> jobModel(jobs, id), name -> registered(workflows, name),
                            id -> runDefinition(workflows, id)));
            if (auth.enabled()) {
                // Every run is checked as it starts against whoever it runs for (its registrant, for a scheduled run).
                workflows.setRunCheck(targets.workflowAccess()::check);
            }
            if (auth.enabled()) {
                AdminBootstrap.ensure(store, config.home());
            } else {
                log.atWarn().setMessage("authentication is off (auth.enabled=false): anyone who reaches the port may do"
                        + " anything, recorded as whatever name they send; use this only for local experiments").log();
            }
            AccessGuard guard = new AccessGuard(new AccessGuard.Settings(auth.enabled(), auth.openHealth(), auth.openMetrics()),
                    AccessPolicy.standard(targets), authenticator, audit, meters);
            return new Access(store, audit, authenticator, targets, guard);
        }

        private static java.util.Optional<io.carrara.registry.workflow.WorkflowDefinition> registered(WorkflowService workflows,
                String name) {
            try {
                return java.util.Optional.of(io.carrara.registry.workflow.WorkflowParser.parse(workflows.get(name).definition()));
            } catch (io.carrara.spi.error.CarraraException e) {
                if (e.errorCode().type() == io.carrara.spi.error.ErrorType.NOT_FOUND
                        || e.errorCode().type() == io.carrara.spi.error.ErrorType.INVALID_INPUT) {
                    return java.util.Optional.empty();
                }
                throw e;
            }
        }

        private static java.util.Optional<io.carrara.registry.workflow.WorkflowDefinition> runDefinition(WorkflowService workflows,
                java.util.UUID id) {
            try {
                return java.util.Optional.of(workflows.runDefinition(id));
            } catch (io.carrara.spi.error.CarraraException e) {
                if (e.errorCode().type() == io.carrara.spi.error.ErrorType.NOT_FOUND) {
                    return java.util.Optional.empty();
                }
                throw e;
            }
        }

        private static java.util.Optional<String> jobModel(BatchJobService jobs, java.util.UUID id) {
            try {
                return java.util.Optional.ofNullable(jobs.get(id).model());
            } catch (io.carrara.spi.error.CarraraException e) {
                if (e.errorCode().type() == io.carrara.spi.error.ErrorType.NOT_FOUND) {
                    return java.util.Optional.empty();
                }
                throw e;
            }
        }

        /** Whether the current request's caller may read deployment {@code name} (one that no longer exists: yes). */
        boolean mayRead(String deployment) {
            Principal caller = AccessGuard.caller();
            Set<String> projects = targets.deploymentProjects(deployment);
            return projects.stream().allMatch(project -> caller.roleIn(project).isPresent());
        }

        /** The creator of a project manages it (with authentication off nobody needs to). */
        void projectCreated(String project, String user) {
            if (!AccessGuard.caller().unrestricted()) {
                store.grant(project, user, Role.MANAGE, user);
                authenticator.invalidate();
            }
        }
    }

    private CarraraServer(ServerConfig config, RegistryDatabase database, BlobStore blobStore, ModelRegistry registry,
            DeploymentRegistry deployments, PredictionLogStore predictionLog, FeatureStore featureStore, ServingEngine engine,
            ModelCache modelCache, Server server, JvmGcMetrics gcMetrics, ScheduledExecutorService sync, Batch batch,
            Access access, io.carrara.server.rules.Rules rules, io.carrara.server.monitoring.QualityMonitor monitor) {
        this.rules = rules;
        this.monitor = monitor;
        this.batch = batch;
        this.access = access;
        this.config = config;
        this.database = database;
        this.blobStore = blobStore;
        this.registry = registry;
        this.deployments = deployments;
        this.predictionLog = predictionLog;
        this.featureStore = featureStore;
        this.engine = engine;
        this.modelCache = modelCache;
        this.server = server;
        this.gcMetrics = gcMetrics;
        this.sync = sync;
    }

    public static CarraraServer start(ServerConfig config) {
        requireNonNull(config, "config is null");
        try {
            Files.createDirectories(config.home());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the Carrara home " + config.home() + ": " + e.getMessage(), e);
        }
        // H2 reads its bind address once, when its classes load: the auto-server port of the embedded database
        // listens on the server's host like everything else (as long as nothing in this JVM opened H2 before).
        if (System.getProperty("h2.bindAddress") == null && !config.host().equals("0.0.0.0") && !config.host().equals("::")) {
            System.setProperty("h2.bindAddress", config.host());
        }
        Path scratch = config.home().resolve("tmp");
        removeLeftovers(scratch);
        RegistryDatabase database = RegistryDatabase.open(config.database());
        BlobStore blobStore = null;
        FeatureStore featureStore = null;
        ServingEngine engine = null;
        ModelCache modelCache = null;
        Batch batch = null;
        io.carrara.server.rules.Rules rules = null;
        io.carrara.server.monitoring.QualityMonitor monitor = null;
        try {
            blobStore = config.blobs().open(scratch);
            featureStore = config.features().open();
            if (!featureStore.available()) {
                log.atWarn().setMessage("the feature store does not answer; deployments that look up features are not ready"
                        + " until it does, the others serve").addKeyValue("features", featureStore.describe()).log();
            }
            ModelRuntimes runtimes = new ModelRuntimes(List.of(new SparkPipelineRuntime(), new PythonModelRuntime(config.python())));
            ModelRegistry registry = new ModelRegistry(database, blobStore, RegistryHooks.NONE,
                    config.archiveLimits(), new RuntimeArtifactCheck(runtimes, scratch, config.archiveLimits()));
            DeploymentRegistry deployments = new DeploymentRegistry(database);
            PredictionLogStore predictionLog = new PredictionLogStore(database);
            PrometheusMeterRegistry meters = PrometheusMeterRegistries.newRegistry();
            new JvmMemoryMetrics().bindTo(meters);
            new JvmThreadMetrics().bindTo(meters);
            new ProcessorMetrics().bindTo(meters);
            JvmGcMetrics gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(meters);
            ModelCache cache = new ModelCache(config.models(), registry, runtimes);
            engine = new ServingEngine(config.serving(), registry, cache, featureStore,
                    logged -> predictionLog.insertAllText(logged.stream().map(CarraraServer::stored).toList()), meters);
            modelCache = cache;
            // Models load in the background; a deployment whose model fails to load is only that deployment's problem.
            engine.apply(deployments.list());
            batch = Batch.start(config, database, registry, deployments, cache, meters);
            Access access = Access.start(config, database, registry, deployments, batch.jobs(), batch.workflows(), meters);
            io.carrara.server.alerts.Alerts alerts = new io.carrara.server.alerts.Alerts(
                    new io.carrara.server.alerts.AlertWebhookStore(database), io.carrara.server.rules.WebhookSender.standard(config.outbound()),
                    meters);
            rules = io.carrara.server.rules.Rules.start(config, database, registry, deployments, deploymentHooks(engine, access), meters,
                    alerts);
            monitor = new io.carrara.server.monitoring.QualityMonitor(database,
                    new io.carrara.registry.monitoring.MonitoringStore(database, deployments), registry, alerts, meters,
                    config.monitoring().settle());
            monitor.start(config.monitoring().every());
            Server server = build(config, database, registry, deployments, predictionLog, featureStore, meters, engine, batch,
                    access, rules, monitor);
            server.start().join();
            log.atInfo().setMessage("Carrara started")
                    .addKeyValue("port", server.activeLocalPort())
                    .addKeyValue("database", config.database().url())
                    .addKeyValue("blobs", config.blobs().describe())
                    .addKeyValue("features", featureStore.describe())
                    .log();
            return new CarraraServer(config, database, blobStore, registry, deployments, predictionLog, featureStore, engine,
                    modelCache, server, gcMetrics, startSync(config.servingSync(), engine, deployments), batch, access, rules, monitor);
        } catch (RuntimeException e) {
            if (monitor != null) {
                monitor.close();
            }
            if (rules != null) {
                rules.close();
            }
            if (batch != null) {
                batch.close();
            }
            closeQuietly(engine, modelCache);
            database.close();
            closeQuietly(blobStore);
            closeQuietly(featureStore);
            throw e;
        }
    }

    /**
     * Removes what a crash left in the home's scratch directory: S3 upload spools and extracted copies
     * of uploads being checked. Only this server uses the directory.
     */
    private static void removeLeftovers(Path scratch) {
        RuntimeArtifactCheck.clean(scratch);
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(scratch)) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith(S3BlobStore.SPOOL_PREFIX)).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            log.atWarn().setMessage("cannot remove the leftovers of an earlier run").addKeyValue("directory", scratch)
                    .addKeyValue("error", e.getMessage()).log();
        }
    }

    /** Follows deployment changes made through other servers on the same database; null when turned off. */
    private static ScheduledExecutorService startSync(Duration every, ServingEngine engine, DeploymentRegistry deployments) {
        if (every.isZero()) {
            return null;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "deployment-sync");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                List<String> changed = engine.sync(deployments::list);
                if (!changed.isEmpty()) {
                    log.atInfo().setMessage("deployments changed in the registry").addKeyValue("deployments", changed).log();
                }
            } catch (RuntimeException e) {
                // The database may be away for a moment; the deployments already served keep serving.
                log.atWarn().setMessage("cannot read the deployments from the registry; retrying")
                        .addKeyValue("error", e.getMessage()).log();
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return executor;
    }

    /** What follows a change of deployment, made through the API or by a rule: checked before, served after. */
    private static io.carrara.server.rules.Rules.DeploymentHooks deploymentHooks(ServingEngine engine, Access access) {
        return new io.carrara.server.rules.Rules.DeploymentHooks() {
            @Override
            public void check(Deployment proposed) {
                engine.check(proposed);
            }

            @Override
            public void changed(Deployment deployment) {
                access.targets().deploymentChanged(deployment.name());
                engine.deploymentChanged(deployment);
            }

            @Override
            public void undeployed(String name) {
                access.store().clearDeploymentAccess(name);
                access.targets().deploymentChanged(name);
                engine.undeployed(name);
            }
        };
    }

    private static Server build(ServerConfig config, RegistryDatabase database, ModelRegistry registry,
            DeploymentRegistry deployments, PredictionLogStore predictionLog, FeatureStore featureStore,
            PrometheusMeterRegistry meters, ServingEngine engine, Batch batch, Access access, io.carrara.server.rules.Rules rules,
            io.carrara.server.monitoring.QualityMonitor monitor) {
        ApiErrors errors = new ApiErrors();
        JacksonResponseConverterFunction json = new JacksonResponseConverterFunction(RegistryJson.mapper());
        String version = versionOf(CarraraServer.class);
        ServerBuilder builder = Server.builder()
                // Blocking work on threads of this server's own, shut down with it: Spark's and Hive's thread-local state
                // (the active session, the metastore client) never carries over to another server in the same JVM.
                .blockingTaskExecutor(com.linecorp.armeria.common.util.BlockingTaskExecutor.builder().numThreads(200)
                        .threadNamePrefix("carrara-blocking").build(), true);
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (config.tls().isPresent()) {
            // One port, as without TLS: HTTP/1.1, HTTP/2 and gRPC, chosen by ALPN; plain HTTP is not served.
            builder.https(address).tls(config.tls().get().certificate().toFile(), config.tls().get().privateKey().toFile());
        } else {
            builder.http(address);
        }
        builder.meterRegistry(meters)
                .errorHandler(errors)
                // Every call is authenticated and authorized here, by the route's entry in AccessPolicy.
                .decorator(access.guard())
                // Before any service: a browser page on another origin changes nothing.
                .decorator(new CrossOriginGuard(config.allowedOrigins(), loopback(config.host())))
                .accessLogWriter(config.accessLog() ? new AccessLog() : AccessLogWriter.disabled(), true)
                .maxRequestLength(config.maxRequestBytes())
                .requestTimeout(config.requestTimeout())
                // Stop once no request has been in flight for a second, and never wait longer than the grace period.
                .gracefulShutdownTimeout(min(Duration.ofSeconds(1), config.shutdownGrace()), config.shutdownGrace())
                .bossGroupFactory(CarraraServer::bossGroup);
        api(builder, errors, json)
                .build(new HealthApi(database, featureStore, version));
        api(builder, errors, json)
                .build(new RegistryApi(registry, access::projectCreated));
        api(builder, errors, json)
                .build(new AccessApi(access.store(), access.audit(), access.authenticator(), config.auth().enabled(),
                        access.targets()::deploymentChanged, deployments::get));
        api(builder, errors, json)
                // Blobs are streamed and bounded by limits.maxBlobBytes in ArtifactApi, not by the JSON body limit.
                .maxRequestLength(0)
                .requestTimeout(Duration.ZERO)
                .build(new ArtifactApi(registry, config.maxBlobBytes()));
        api(builder, errors, json)
                .build(new FeatureApi(featureStore));
        api(builder, errors, json)
                // A deploy loads its models before it answers: fetching a large artifact may take minutes.
                .requestTimeout(DEPLOY_TIMEOUT)
                .build(new DeploymentApi(deployments, predictionLog, new DeploymentApi.Listener() {
                    private final io.carrara.server.rules.Rules.DeploymentHooks hooks = deploymentHooks(engine, access);

                    @Override
                    public void check(Deployment proposed) {
                        hooks.check(proposed);
                    }

                    @Override
                    public void changed(Deployment deployment) {
                        hooks.changed(deployment);
                    }

                    @Override
                    public void undeployed(String name) {
                        hooks.undeployed(name);
                        rules.store().unfollow(name);
                    }
                }));
        api(builder, errors, json)
                // A sync clones the rules repository before it answers.
                .requestTimeout(DEPLOY_TIMEOUT)
                .build(new io.carrara.server.api.RulesApi(rules, registry));
        api(builder, errors, json)
                // A load of 10,000 outcomes is about a megabyte of JSON.
                .maxRequestLength(16L << 20)
                .build(new io.carrara.server.api.MonitoringApi(monitor.monitoring(), monitor));
        api(builder, errors, json)
                // An export or a computation runs its Spark job before it answers: up to 31 days of a deployment's log.
                .requestTimeout(MONITORING_JOB_TIMEOUT)
                .build(new io.carrara.server.api.MonitoringTableApi(monitor.monitoring(),
                        new io.carrara.server.monitoring.SparkMonitoring(database, batch.spark(), monitor,
                                config.home().resolve("spark").resolve("scratch"))));
        api(builder, errors, json)
                // A test alert waits for the webhook's answer, retries included.
                .requestTimeout(DEPLOY_TIMEOUT)
                .build(new io.carrara.server.api.AlertWebhookApi(rules.alerts(), registry, config.outbound()));
        api(builder, errors, json)
                // Scores on the event loop when nothing can block, else hands over to the blocking executor itself.
                .useBlockingTaskExecutor(false)
                .build(new PredictionApi(engine));
        api(builder, errors, json)
                // A bulk load streams through the loader in batches: bounded by the blob limit, not the JSON one.
                .maxRequestLength(config.maxBlobBytes())
                .requestTimeout(Duration.ZERO)
                .build(new FeatureLoadApi(featureStore));
        api(builder, errors, json)
                // An import streams the file to disk, an export streams rows back: bounded by the blob limit, not the JSON one.
                .maxRequestLength(config.maxBlobBytes())
                .requestTimeout(Duration.ZERO)
                .build(new TableApi(batch.tables()));
        api(builder, errors, json)
                .build(new BatchApi(batch.jobs()));
        api(builder, errors, json)
                .build(new WorkflowApi(batch.workflows(), access.targets().workflowAccess()));
        OpenInference.register(builder, engine, version, config.maxRequestBytes(), access::mayRead);
        builder.service("/metrics", PrometheusExpositionService.of(meters.getPrometheusRegistry()));
        builder.route().methods(HttpMethod.GET).path("/docs/api").build(new ApiReferencePage());
        builder.route().methods(HttpMethod.GET).path("/").build(
                (ctx, req) -> com.linecorp.armeria.common.HttpResponse.ofRedirect("/docs/api"));
        return builder.build();
    }

    /** An annotated JSON service under {@code /api/v1}: blocking executor, JSON errors and answers, request metrics. */
    private static com.linecorp.armeria.server.AnnotatedServiceBindingBuilder api(ServerBuilder builder, ApiErrors errors,
            JacksonResponseConverterFunction json) {
        return builder.annotatedService()
                .pathPrefix("/api/v1")
                .useBlockingTaskExecutor(true)
                .exceptionHandlers(errors)
                .responseConverters(json)
                .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("carrara.http.requests")));
    }

    /** Whether {@code host} is a loopback address, so that only this machine can reach the server. */
    private static boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * The group of the thread that accepts a port's connections, as Armeria makes it but stopped without
     * Netty's two-second quiet period: Armeria closes the listening socket before it stops the group, so
     * nothing can arrive in that period, and every stop of a server (every test's server too) waited two
     * seconds for nothing. Only for the transports named here; any other keeps Armeria's own group.
     */
    private static EventLoopGroup bossGroup(String threadName) {
        ThreadFactory threads = task -> {
            // As Armeria's own boss thread: named after the port, not a daemon.
            Thread thread = new FastThreadLocalThread(task, threadName);
            thread.setDaemon(false);
            return thread;
        };
        IoHandlerFactory handlers = switch (Flags.transportType()) {
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
            default -> null;
        };
        if (handlers == null) {
            return EventLoopGroups.newEventLoopGroup(1, threads);
        }
        return new MultiThreadIoEventLoopGroup(1, threads, handlers) {
            @Override
            public Future<?> shutdownGracefully() {
                return shutdownGracefully(0, 15, TimeUnit.SECONDS);
            }
        };
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
        String scheme = config.tls().isPresent() ? "https" : "http";
        return URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /**
     * Every route the server answers, as {@code METHOD pattern} ({@code GET /api/v1/projects/{project}}), and
     * what {@link AccessPolicy} requires of it ({@code project read}), or {@code undeclared}.
     */
    public java.util.Map<String, String> routes() {
        java.util.Map<String, String> routes = new java.util.TreeMap<>();
        for (com.linecorp.armeria.server.ServiceConfig service : server.serviceConfigs()) {
            com.linecorp.armeria.server.Route route = service.route();
            for (HttpMethod method : route.methods()) {
                String key = method.name() + " " + route.patternString();
                routes.put(key, access.guard().requirementOf(method.name(), route)
                        .map(AccessPolicy.Requirement::describe).orElse("undeclared"));
            }
        }
        return routes;
    }

    /** Users, tokens and roles, for tests and tools that set them up without the API. */
    public AccessStore accessStore() {
        return access.store();
    }

    public ServerConfig config() {
        return config;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** The deployments and their history, which the serving engine routes by. */
    public DeploymentRegistry deployments() {
        return deployments;
    }

    /** Where logged predictions go by default: the registry database. */
    public PredictionLogStore predictionLog() {
        return predictionLog;
    }

    public FeatureStore featureStore() {
        return featureStore;
    }

    /** Stops accepting requests, lets in-flight ones finish within the grace period, then releases everything. */
    @Override
    public void close() {
        try {
            if (sync != null) {
                sync.shutdownNow();
            }
            server.stop().join();
        } finally {
            monitor.close();
            rules.close();
            try {
                batch.close();
            } catch (RuntimeException e) {
                log.warn("stopping batch jobs, workflows and Spark failed", e);
            }
            gcMetrics.close();
            // The engine writes the queued predictions before the database goes.
            closeQuietly(engine, modelCache);
            database.close();
            closeQuietly(blobStore);
            closeQuietly(featureStore);
        }
    }

    /** The registry database (for benchmarks and tools that read it directly). */
    public RegistryDatabase registryDatabase() {
        return database;
    }

    /** The quality monitor: joins outcomes with the prediction log and records each window's quality. */
    public io.carrara.server.monitoring.QualityMonitor monitor() {
        return monitor;
    }

    /** The rules: their store, sync and engine. */
    public io.carrara.server.rules.Rules rules() {
        return rules;
    }

    /** The serving engine, which the REST predict endpoint and the Open Inference Protocol serve. */
    public ServingEngine engine() {
        return engine;
    }

    /** A logged prediction as the registry database stores it. */
    /** A served prediction as the log stores it: its JSON text as the engine wrote it, neither parsed nor written again. */
    private static PredictionLogStore.LoggedText stored(io.carrara.serving.log.LoggedPrediction prediction) {
        return new PredictionLogStore.LoggedText(prediction.id(), prediction.deployment(), prediction.instance(),
                prediction.inputJson(), prediction.outputJson(), prediction.latencyMicros(), prediction.time(),
                io.carrara.registry.predictions.LoggedPrediction.FORMAT_VERSION);
    }

    private static void closeQuietly(ServingEngine engine, ModelCache cache) {
        try {
            if (engine != null) {
                engine.close();
            }
        } catch (RuntimeException e) {
            log.warn("closing the serving engine failed", e);
        } finally {
            if (cache != null) {
                try {
                    cache.close();
                } catch (RuntimeException e) {
                    log.warn("closing the model cache failed", e);
                }
            }
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
