package io.carrara.server;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.db.DatabaseConfig;
import io.carrara.server.config.BlobStoreConfig;
import io.carrara.server.config.FeatureStoreConfig;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.engine.ModelCacheConfig;
import io.carrara.serving.engine.ServingEngineConfig;
import io.carrara.serving.engine.ServingEngineConfig.LoadMode;
import io.carrara.python.PythonSettings;
import io.carrara.spark.batch.SparkSettings;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import io.carrara.spi.net.OutboundAddressPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server needs to start, resolved from {@link ServerSettings}. The embedded
 * default keeps all state under {@code home}: an H2 database, a blob directory and the
 * feature store, and the serving engine's model cache under {@code home/models}. {@code servingSync}
 * is how often the server reads the registry's deployments to catch up with changes made through
 * other servers on the same database (zero: never).
 */
public record ServerConfig(
        Path home,
        String host,
        int port,
        DatabaseConfig database,
        BlobStoreConfig blobs,
        FeatureStoreConfig features,
        long maxRequestBytes,
        long maxBlobBytes,
        Duration requestTimeout,
        Duration shutdownGrace,
        ModelCacheConfig models,
        ServingEngineConfig serving,
        Duration servingSync,
        boolean accessLog,
        SparkSettings spark,
        int batchConcurrency,
        Duration workflowPoll,
        Set<String> allowedOrigins,
        ModelArchive.Limits archiveLimits,
        PythonSettings python,
        OutboundAddressPolicy outbound,
        Optional<Tls> tls,
        Auth auth,
        Rules rules,
        Monitoring monitoring) {
    public ServerConfig {
        requireNonNull(home, "home is null");
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(blobs, "blobs is null");
        requireNonNull(features, "features is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(shutdownGrace, "shutdownGrace is null");
        requireNonNull(models, "models is null");
        requireNonNull(serving, "serving is null");
        requireNonNull(servingSync, "servingSync is null");
        requireNonNull(spark, "spark is null");
        requireNonNull(workflowPoll, "workflowPoll is null");
        allowedOrigins = Set.copyOf(requireNonNull(allowedOrigins, "allowedOrigins is null"));
        requireNonNull(archiveLimits, "archiveLimits is null");
        requireNonNull(python, "python is null");
        requireNonNull(outbound, "outbound is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(rules, "rules is null");
        requireNonNull(monitoring, "monitoring is null");
        if (batchConcurrency < 1) {
            throw new IllegalArgumentException("batchConcurrency must be at least 1: " + batchConcurrency);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Embedded defaults under {@code home}, on {@code port} (0 picks a free one); ignores the environment. */
    public static ServerConfig embedded(Path home, int port) {
        return from(ServerSettings.load(home, Map.of(), Map.of("port", Integer.toString(port))));
    }

    public static ServerConfig from(ServerSettings settings) {
        Path home = settings.home();
        ModelArchive.Limits archiveLimits = new ModelArchive.Limits(settings.getInt("limits.archive.maxEntries", 1, Integer.MAX_VALUE),
                settings.getLong("limits.archive.maxExpandedBytes", 1, Long.MAX_VALUE),
                settings.getInt("limits.archive.maxCompressionRatio", 1, Integer.MAX_VALUE));
        String url = settings.get("database.url");
        Duration connectionTimeout = Duration.ofMillis(settings.getLong("database.connectionTimeoutMillis", 250, 600_000));
        DatabaseConfig database = url.isEmpty()
                ? DatabaseConfig.embedded(home)
                : new DatabaseConfig(url, settings.get("database.user"), settings.get("database.password"),
                        settings.getInt("database.maxPoolSize", 1, 1000), connectionTimeout);
        return new ServerConfig(
                home,
                settings.get("host"),
                settings.getInt("port", 0, 65535),
                database,
                BlobStoreConfig.from(settings),
                FeatureStoreConfig.from(settings),
                settings.getLong("limits.maxRequestBytes", 1024, 1L << 31),
                settings.getLong("limits.maxBlobBytes", 1, Long.MAX_VALUE),
                Duration.ofSeconds(settings.getLong("limits.requestTimeoutSeconds", 1, 86_400)),
                Duration.ofSeconds(settings.getLong("shutdown.graceSeconds", 0, 3_600)),
                models(settings, archiveLimits),
                serving(settings),
                Duration.ofSeconds(settings.getLong("serving.syncSeconds", 0, 86_400)),
                settings.getBoolean("log.access"),
                spark(settings),
                settings.getInt("spark.concurrentJobs", 1, 64),
                Duration.ofSeconds(settings.getLong("workflows.pollSeconds", 1, 3_600)),
                settings.getList("http.allowedOrigins"),
                archiveLimits,
                python(settings),
                OutboundAddressPolicy.of(settings.getBoolean("outbound.allowPrivateAddresses"),
                        List.copyOf(settings.getList("outbound.allowedHosts"))),
                tls(settings),
                new Auth(settings.getBoolean("auth.enabled"), settings.getBoolean("auth.openHealth"),
                        settings.getBoolean("auth.openMetrics"), Duration.ofSeconds(settings.getLong("auth.cacheSeconds", 0, 3_600)),
                        settings.getInt("auth.maxFailuresPerMinute", 1, 1_000_000), oidc(settings)),
                new Rules(settings.getBoolean("rules.enabled"), settings.get("rules.repository").strip(),
                        settings.get("rules.branch").strip(), Duration.ofSeconds(settings.getLong("rules.syncSeconds", 0, 86_400)),
                        Duration.ofMillis(settings.getLong("rules.pollMillis", 10, 60_000)),
                        Duration.ofMillis(settings.getLong("rules.timeoutMillis", 1, 10_000)),
                        Set.copyOf(settings.getList("rules.secrets"))),
                new Monitoring(Duration.ofSeconds(settings.getLong("monitoring.runSeconds", 0, 86_400)),
                        Duration.ofSeconds(settings.getLong("monitoring.settleSeconds", 0, 3_600))));
    }

    /**
     * Monitoring: every how many seconds the server joins new outcomes with the prediction log and recomputes the quality
     * of the windows they fall in ({@code monitoring.runSeconds}, 0: only on request), and how long it leaves outcomes
     * that were just received to settle first, so that a load still being committed is not passed over
     * ({@code monitoring.settleSeconds}).
     */
    public record Monitoring(Duration every, Duration settle) {
        public Monitoring {
            requireNonNull(every, "every is null");
            requireNonNull(settle, "settle is null");
        }
    }

    /**
     * Rules: whether the server evaluates them ({@code rules.enabled}); the repository it syncs on its own, a Git URL or a
     * local directory ({@code rules.repository}, none when empty) and its branch ({@code rules.branch}, the remote's
     * default when empty); every how many seconds ({@code rules.syncSeconds}, 0: only at start and on request); how often
     * new registry events are looked for ({@code rules.pollMillis}); how long one expression may run
     * ({@code rules.timeoutMillis}); and the environment variables a rule may name as a webhook secret
     * ({@code rules.secrets}, none by default).
     */
    public record Rules(boolean enabled, String repository, String branch, Duration syncEvery, Duration poll, Duration timeout,
            Set<String> secrets) {
        public Rules {
            requireNonNull(repository, "repository is null");
            requireNonNull(branch, "branch is null");
            requireNonNull(syncEvery, "syncEvery is null");
            requireNonNull(poll, "poll is null");
            requireNonNull(timeout, "timeout is null");
            secrets = Set.copyOf(requireNonNull(secrets, "secrets is null"));
        }
    }

    /**
     * Access control: {@code auth.enabled} (off only for local experiments: everyone may do everything),
     * whether {@code /api/v1/health} and the OIP health routes ({@code auth.openHealth}) and {@code /metrics}
     * ({@code auth.openMetrics}) need no token, how long token checks and roles are cached
     * ({@code auth.cacheSeconds}: a revocation takes effect within it), and how many failed authentications an
     * address may make in a minute before it is refused for the rest of it.
     */
    public record Auth(boolean enabled, boolean openHealth, boolean openMetrics, Duration cacheFor, int maxFailuresPerMinute,
            Optional<io.carrara.server.access.OidcVerifier.Settings> oidc) {
        /** Authentication off, as {@code auth.enabled=false}: for tests of other things and local experiments. */
        public static final Auth OFF = new Auth(false, true, true, Duration.ofSeconds(5), 20, Optional.empty());

        public Auth {
            requireNonNull(cacheFor, "cacheFor is null");
            requireNonNull(oidc, "oidc is null");
        }
    }

    /**
     * OpenID Connect, when {@code auth.oidc.issuer} is set: bearer JWTs of that issuer, checked against the keys
     * at {@code auth.oidc.jwksUri} (required with it, http or https).
     */
    private static Optional<io.carrara.server.access.OidcVerifier.Settings> oidc(ServerSettings settings) {
        String issuer = settings.get("auth.oidc.issuer").strip();
        String jwks = settings.get("auth.oidc.jwksUri").strip();
        if (issuer.isEmpty() && jwks.isEmpty()) {
            return Optional.empty();
        }
        if (issuer.isEmpty() || jwks.isEmpty()) {
            String missing = issuer.isEmpty() ? "auth.oidc.issuer" : "auth.oidc.jwksUri";
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "OpenID Connect needs both auth.oidc.issuer and"
                    + " auth.oidc.jwksUri; " + missing + " is not set", missing);
        }
        java.net.URI uri;
        try {
            uri = java.net.URI.create(jwks);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "auth.oidc.jwksUri must be an http(s) URL such as"
                    + " https://login.example.com/.well-known/jwks.json, not '" + jwks + "'", "auth.oidc.jwksUri");
        }
        String audience = settings.get("auth.oidc.audience").strip();
        String adminGroup = settings.get("auth.oidc.adminGroup").strip();
        return Optional.of(new io.carrara.server.access.OidcVerifier.Settings(issuer, uri,
                audience.isEmpty() ? Optional.empty() : Optional.of(audience), settings.get("auth.oidc.userClaim").strip(),
                settings.get("auth.oidc.groupsClaim").strip(), adminGroup.isEmpty() ? Optional.empty() : Optional.of(adminGroup)));
    }

    /** This configuration with authentication on or off (tests of other things turn it off). */
    public ServerConfig withAuth(Auth auth) {
        return new ServerConfig(home, host, port, database, blobs, features, maxRequestBytes, maxBlobBytes, requestTimeout,
                shutdownGrace, models, serving, servingSync, accessLog, spark, batchConcurrency, workflowPoll, allowedOrigins,
                archiveLimits, python, outbound, tls, auth, rules, monitoring);
    }

    /**
     * TLS on the server's one port (HTTP/1.1, HTTP/2 and gRPC, negotiated by ALPN) from a PEM certificate
     * chain and its PEM private key (PKCS#8, unencrypted), both given or neither.
     *
     * @param certificate {@code tls.certificate}: the server's certificate, then its issuers
     * @param privateKey {@code tls.privateKey}: readable only by the server's user
     */
    public record Tls(Path certificate, Path privateKey) {
        public Tls {
            requireNonNull(certificate, "certificate is null");
            requireNonNull(privateKey, "privateKey is null");
        }
    }

    private static Optional<Tls> tls(ServerSettings settings) {
        String certificate = settings.get("tls.certificate").strip();
        String privateKey = settings.get("tls.privateKey").strip();
        if (certificate.isEmpty() && privateKey.isEmpty()) {
            return Optional.empty();
        }
        if (certificate.isEmpty() || privateKey.isEmpty()) {
            String missing = certificate.isEmpty() ? "tls.certificate" : "tls.privateKey";
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "TLS needs both tls.certificate and"
                    + " tls.privateKey (PEM files); " + missing + " is not set", missing);
        }
        Path certificatePath = readable(settings.home(), certificate, "tls.certificate");
        Path keyPath = readable(settings.home(), privateKey, "tls.privateKey");
        return Optional.of(new Tls(certificatePath, keyPath));
    }

    private static Path readable(Path home, String value, String key) {
        Path path = home.resolve(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, key + " names " + path
                    + ", which is not a readable file; give the path of a PEM file", key);
        }
        return path;
    }

    /**
     * Python models: environments under {@code home/python/envs} unless {@code python.environments}
     * names a folder (several servers or a CLI on one machine can share it), worker sockets under
     * {@code home/python/run}. {@code python.pipArguments} is split on whitespace, e.g.
     * {@code --no-index --find-links /opt/wheels}.
     */
    private static PythonSettings python(ServerSettings settings) {
        String environments = settings.get("python.environments");
        String pipArguments = settings.get("python.pipArguments").trim();
        PythonSettings python = PythonSettings.defaults(settings.home())
                .withInterpreter(settings.get("python.interpreter"))
                .withPipArguments(pipArguments.isEmpty() ? List.of() : List.of(pipArguments.split("\\s+")))
                .withWorkersPerInstance(settings.getInt("python.workersPerInstance", 1, 64))
                .withRequestTimeout(Duration.ofSeconds(settings.getLong("python.requestTimeoutSeconds", 1, 86_400)))
                .withWorkerStartTimeout(Duration.ofSeconds(settings.getLong("python.workerStartTimeoutSeconds", 1, 86_400)))
                .withBuildTimeout(Duration.ofSeconds(settings.getLong("python.buildTimeoutSeconds", 1, 86_400)))
                .withMemoryLimitMib(settings.getLong("python.memoryLimitMib", 0, 1L << 40))
                .withSparkBatchSize(settings.getInt("python.sparkBatchSize", 1, 1_000_000))
                .withCombineRows(settings.getInt("python.combineRows", 1, 100_000))
                .withBatchIdleTimeout(Duration.ofSeconds(settings.getLong("python.batchIdleTimeoutSeconds", 1, 86_400)));
        return environments.isEmpty() ? python : python.withEnvironments(Path.of(environments).toAbsolutePath().normalize());
    }

    /**
     * Spark in the server: the home's catalog and warehouse unless a metastore or warehouse is named;
     * its scratch space ({@code spark.local.dir}, and Hive's) under the home, emptied at start; its
     * driver and block manager listening on the server's host only.
     */
    private static SparkSettings spark(ServerSettings settings) {
        Path local = settings.home().resolve("spark").resolve("local");
        String host = settings.get("host");
        SparkSettings spark = SparkSettings.embedded(settings.home()).withMaster(settings.get("spark.master"))
                .withConfig(io.carrara.batch.SparkRuntime.LOCAL_DIRECTORY, local.toString())
                .withConfig("spark.hadoop.hive.exec.local.scratchdir", local.resolve("hive").toString())
                .withConfig("spark.hadoop.hive.downloaded.resources.dir", local.resolve("hive-resources").toString())
                .withConfig("spark.hadoop.hive.exec.scratchdir", local.resolve("hive-scratch").toString());
        if (settings.get("spark.master").startsWith("local")) {
            // In local mode nothing outside this process talks to the driver; a cluster's executors must reach it, so
            // with another master Spark's own spark.driver.* settings decide.
            spark = spark.withConfig("spark.driver.bindAddress", host)
                    .withConfig("spark.driver.host", host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host);
        }
        String metastore = settings.get("spark.metastoreUri");
        if (!metastore.isEmpty()) {
            spark = spark.withMetastoreUri(metastore);
        }
        String warehouse = settings.get("spark.warehouse");
        return warehouse.isEmpty() ? spark : spark.withWarehouse(warehouse);
    }

    private static ModelCacheConfig models(ServerSettings settings, ModelArchive.Limits archiveLimits) {
        String path = settings.get("serving.models.path");
        return new ModelCacheConfig(
                path.isEmpty() ? settings.home().resolve("models") : Path.of(path).toAbsolutePath().normalize(),
                settings.getLong("serving.models.memoryBudgetBytes", 1L << 20, Long.MAX_VALUE),
                settings.getDouble("serving.models.memoryFactor", 0.1, 1_000),
                Duration.ofSeconds(settings.getLong("serving.models.failureBackoffSeconds", 0, 86_400)), archiveLimits);
    }

    private static ServingEngineConfig serving(ServerSettings settings) {
        LoadMode mode = settings.getChoice("serving.loadMode", "eager", "lazy").equals("eager") ? LoadMode.EAGER : LoadMode.LAZY;
        return new ServingEngineConfig(mode,
                settings.getInt("serving.log.queueCapacity", 1, 10_000_000),
                settings.getInt("serving.log.batchSize", 1, 100_000),
                Duration.ofMillis(settings.getLong("serving.log.lingerMillis", 0, 60_000)));
    }
}
