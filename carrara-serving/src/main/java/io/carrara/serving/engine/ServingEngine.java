package io.carrara.serving.engine;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.schema.Field;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.deploy.Deployment;
import io.carrara.registry.model.Instance;
import io.carrara.serving.engine.ServingEngineConfig.LoadMode;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.log.PredictionLog;
import io.carrara.serving.log.PredictionSink;
import io.carrara.serving.predict.InferenceBackend;
import io.carrara.serving.predict.ModelStatus;
import io.carrara.serving.predict.PredictionRequest;
import io.carrara.serving.predict.PredictionResult;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.serving.runtime.LoadedModel;
import io.carrara.serving.runtime.ScoredRow;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The request path of the prediction server, whatever the protocol: deployment → routing →
 * feature join → model (from the {@link ModelCache}) → result, with sampled predictions queued to
 * the prediction log. The server tells it about deployments ({@link #apply} at start,
 * {@link #deploymentChanged} and {@link #undeployed} on registry events); each deployment's state is
 * compiled then (router, feature join, meters), so a request only reads it. A request is planned
 * ({@link PredictionPlan}: each row's instance, the groups, the rows refused), the plan is scored
 * ({@link PlanScorer}) and the scored rows are sampled into the log ({@link PredictionSampler}).
 *
 * <pre>{@code
 * ModelCache cache = new ModelCache(ModelCacheConfig.defaults(home.resolve("models")), registry, ModelRuntimes.discover());
 * ServingEngine engine = new ServingEngine(ServingEngineConfig.DEFAULTS, registry, cache, featureStore, sink, meterRegistry);
 * engine.apply(deploymentRegistry.list());
 * PredictionResult result = engine.predict("fraud-scorer", new PredictionRequest(rows, Optional.empty()));
 * }</pre>
 *
 * <p>A request fails as a whole only for an unknown deployment (NOT_FOUND), a pinned instance of
 * another model (INVALID_ARGUMENT naming {@code instance}), an unreachable feature store, or when
 * every row's instance cannot be loaded (MODEL_UNAVAILABLE with the reason); otherwise each row has
 * its own outcome. Metrics, tagged {@code deployment}: {@code carrara.predictions.requests},
 * {@code carrara.predictions.errors} ({@code kind} row or request), {@code carrara.predictions.latency}
 * (with a histogram), {@code carrara.predictions.logged}, {@code carrara.predictions.log.dropped},
 * {@code carrara.deployment.ready}, {@code carrara.model.load} (per deployment using the instance);
 * and for the whole cache {@code carrara.model.cache.models} and {@code carrara.model.cache.bytes}.
 */
public final class ServingEngine implements InferenceBackend, AutoCloseable {
    private static final int MAX_REMEMBERED_PINS = 1_000;

    private final ServingEngineConfig config;
    private final ModelRegistry registry;
    private final ModelCache cache;
    private final FeatureStore features;
    private final MeterRegistry meters;
    private final PredictionLog log;
    private final PlanScorer scorer;
    private final PredictionSampler sampler;
    private final ExecutorService loader;
    private final ConcurrentMap<String, Served> deployments = new ConcurrentHashMap<>();
    private final ConcurrentMap<UUID, Instance> instances = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> dropCounters = new ConcurrentHashMap<>();

    /** A deployment as served: compiled once per revision. */
    private record Served(
            Deployment deployment, Router router, FeatureJoin join, OutputSelection outputs, DeploymentMeters meters,
            ConcurrentMap<UUID, Optional<ModelRef>> pins) {}

    private record DeploymentMeters(
            Counter requests, Counter rowErrors, Counter requestErrors, Timer latency, Counter logged, Timer load, List<Meter> all) {}

    /**
     * @param features the online feature store; may be null when no deployment declares feature lookups
     * @param sink where sampled predictions go (the registry's prediction store, or a JSON Lines file)
     */
    public ServingEngine(ServingEngineConfig config, ModelRegistry registry, ModelCache cache, FeatureStore features,
            PredictionSink sink, MeterRegistry meters) {
        this.config = requireNonNull(config, "config is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.features = features;
        this.meters = requireNonNull(meters, "meters is null");
        this.log = new PredictionLog(requireNonNull(sink, "sink is null"), config.logQueueCapacity(), config.logBatchSize(),
                config.logLinger(),
                (deployment, count) -> dropCounter(deployment).increment(count));
        this.scorer = new PlanScorer(cache);
        this.sampler = new PredictionSampler(log);
        this.loader = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "model-loader");
            thread.setDaemon(true);
            return thread;
        });
        Gauge.builder("carrara.model.cache.models", cache, ModelCache::size).description("models loaded").register(meters);
        Gauge.builder("carrara.model.cache.bytes", cache, ModelCache::estimatedBytes)
                .description("estimated heap of the loaded models").baseUnit("bytes").register(meters);
        cache.setListener(new ModelCache.LoadListener() {
            @Override
            public void loaded(UUID instance, Duration took) {
                deployments.values().stream().filter(served -> served.router.instances().contains(instance))
                        .forEach(served -> served.meters.load.record(took));
            }

            @Override
            public void failed(UUID instance, String reason) {}
        });
    }

    /**
     * Serves exactly these deployments (at start, or after reconnecting to the registry). The future
     * completes when the eager loads it started are done, failed or not.
     */
    public CompletableFuture<Void> apply(List<Deployment> current) {
        requireNonNull(current, "current is null");
        Set<String> names = new TreeSet<>();
        current.forEach(deployment -> names.add(deployment.name()));
        deployments.keySet().stream().filter(name -> !names.contains(name)).toList().forEach(this::undeployed);
        return CompletableFuture.allOf(current.stream().map(this::deploymentChanged).toArray(CompletableFuture[]::new));
    }

    /**
     * Catches up with deployments changed elsewhere (another server on the same registry database):
     * reads {@code current} and serves each deployment whose revision is newer than the one served,
     * stops serving those no longer listed, and leaves the rest alone, so their load failures keep
     * their backoff. {@code current} is read while changes through this engine wait, so a list read
     * before a change this engine has already applied cannot undo it. Returns the names changed.
     */
    public synchronized List<String> sync(Supplier<List<Deployment>> current) {
        requireNonNull(current, "current is null");
        List<Deployment> listed = current.get();
        List<String> changed = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        listed.forEach(deployment -> names.add(deployment.name()));
        for (String name : List.copyOf(deployments.keySet())) {
            if (!names.contains(name)) {
                undeployed(name);
                changed.add(name);
            }
        }
        for (Deployment deployment : listed) {
            Served served = deployments.get(deployment.name());
            if (served == null || served.deployment.revision() < deployment.revision()) {
                deploymentChanged(deployment);
                changed.add(deployment.name());
            }
        }
        return changed;
    }

    /**
     * Serves a new deployment or revision. Its instances' remembered load failures are forgotten, so a
     * redeploy retries them; the instances of the revision it replaces that nothing routes to any more
     * are released (python workers stop); with eager loading they are loaded in the background, and the future
     * completes when that is done.
     */
    public synchronized CompletableFuture<Void> deploymentChanged(Deployment deployment) {
        requireNonNull(deployment, "deployment is null");
        Served current = deployments.get(deployment.name());
        if (current != null && current.deployment.revision() > deployment.revision()) {
            return CompletableFuture.completedFuture(null); // a newer revision arrived first (see sync)
        }
        Router router = Router.of(deployment.routing());
        Served served = new Served(deployment, router,
                new FeatureJoin(deployment.features(), deployment.missingFeatures(), features),
                OutputSelection.of(deployment.outputs()),
                deployments.containsKey(deployment.name()) ? deployments.get(deployment.name()).meters : register(deployment.name()),
                new ConcurrentHashMap<>());
        router.instances().forEach(cache::retry);
        deployments.put(deployment.name(), served);
        if (current != null) {
            releaseUnrouted(current.router.instances());
        }
        if (config.loadMode() == LoadMode.LAZY) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> router.instances().forEach(cache::preload), loader);
    }

    /**
     * Accepts a deployment change only if it can serve: every instance it routes to is loaded now
     * (fetched, verified, compiled against its declared {@code inputSchema}), whatever the load mode,
     * so a change that cannot work is refused before it takes traffic and the current revision keeps
     * serving. A remembered load failure is retried first. Refuses with the instance and the reason,
     * and an instance whose added columns are known (declared input schema, or a python model's) and lack
     * one of the deployment's {@code outputs} with INVALID_ARGUMENT naming {@code outputs}.
     */
    public void check(Deployment proposed) {
        requireNonNull(proposed, "proposed is null");
        OutputSelection outputs = OutputSelection.of(proposed.outputs());
        for (UUID id : Router.of(proposed.routing()).instances()) {
            cache.retry(id);
            LoadedModel model = cache.get(id); // MODEL_UNAVAILABLE naming the instance and the reason
            outputs.check(id.toString(), model.outputs());
        }
        if (!proposed.features().isEmpty() && features == null) {
            throw new CarraraException(INVALID_ARGUMENT, "deployment " + proposed.name() + " looks up features, but this"
                    + " server has no feature store; configure features.store", "features");
        }
    }

    /**
     * Stops serving a deployment. Its models stay cached until evicted, as another deployment may use
     * them, but for those that run in processes of their own (python workers) and no other deployment
     * routes to: those stop now.
     */
    public synchronized void undeployed(String name) {
        Served served = deployments.remove(name);
        if (served != null) {
            served.meters.all.forEach(meters::remove);
            Counter drops = dropCounters.remove(name);
            if (drops != null) {
                meters.remove(drops);
            }
            releaseUnrouted(served.router.instances());
        }
    }

    /** Of {@code instances}, releases from the cache those no deployment routes to any more (see ModelCache#release). */
    private void releaseUnrouted(Set<UUID> instances) {
        for (UUID id : instances) {
            if (deployments.values().stream().noneMatch(other -> other.router.instances().contains(id))) {
                cache.release(id);
            }
        }
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public boolean ready() {
        return deployments.keySet().stream().allMatch(name -> notReadyReason(deployments.get(name)).isEmpty());
    }

    @Override
    public List<String> models() {
        return deployments.keySet().stream().sorted().toList();
    }

    @Override
    public ModelStatus status(String name) {
        Served served = served(name);
        List<UUID> ids = List.copyOf(served.router.instances());
        UUID first = ids.get(0);
        Optional<String> reason = notReadyReason(served);
        Optional<LoadedModel> model = cache.peek(first);
        List<Field> inputs = model.map(LoadedModel::inputs).orElse(List.of());
        List<Field> outputs = served.outputs.select(model.map(LoadedModel::outputs).orElse(List.of()));
        return new ModelStatus(name, ids, platform(first), reason.isEmpty(), reason, inputs, outputs);
    }

    @Override
    public PredictionResult predict(String name, PredictionRequest request) {
        requireNonNull(request, "request is null");
        Served served = served(name);
        long start = System.nanoTime();
        served.meters.requests.increment();
        try {
            PredictionResult result = predict(served, request, start);
            served.meters.latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (RuntimeException e) {
            served.meters.requestErrors.increment();
            served.meters.latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        }
    }

    @Override
    public boolean predictsWithoutBlocking(String name) {
        Served served = deployments.get(name);
        if (served == null || !served.deployment.features().isEmpty()) {
            return false;
        }
        for (UUID id : served.router.instances()) {
            if (!cache.peek(id).map(LoadedModel::scoresInProcess).orElse(false)) {
                return false; // not loaded, or scored by another process (python workers): the call waits
            }
        }
        return true;
    }

    /** Predictions written to the log and dropped so far, for tests and the admin page. */
    public long loggedPredictions() {
        return log.written();
    }

    public long droppedPredictions() {
        return log.dropped();
    }

    /** Stops the loader, then writes the queued predictions; the cache and the feature store are the caller's. */
    @Override
    public void close() {
        loader.shutdownNow();
        log.close();
    }

    /**
     * The request path: check the pin, plan (feature join, routing, grouping, rows refused), score
     * the plan, keep the deployment's outputs, count the failed rows, then sample and queue to the
     * prediction log.
     */
    private PredictionResult predict(Served served, PredictionRequest request, long start) {
        Optional<UUID> pinned = request.instance();
        if (pinned.isPresent()) {
            checkPin(served, pinned.get());
        }
        PredictionPlan plan = PredictionPlan.of(served.join.join(request.rows()), served.router, pinned);
        ScoredRow[] outcomes = scorer.score(plan);
        served.outputs.apply(outcomes);
        countFailures(served, outcomes);
        String[] predictionIds = sampler.sample(outcomes, served.deployment.logSampleRate());
        if (predictionIds != null) {
            long latencyMicros = (System.nanoTime() - start) / 1_000;
            served.meters.logged.increment(sampler.log(served.deployment.name(), plan, outcomes, predictionIds, latencyMicros));
        }
        return plan.result(outcomes, predictionIds);
    }

    private static void countFailures(Served served, ScoredRow[] outcomes) {
        long failures = 0;
        for (ScoredRow outcome : outcomes) {
            if (outcome.status() == Status.FAILED) {
                failures++;
            }
        }
        if (failures > 0) {
            served.meters.rowErrors.increment(failures);
        }
    }

    /** A request may pin any instance of the deployment's model; remembered per deployment revision. */
    private void checkPin(Served served, UUID id) {
        Optional<ModelRef> model = served.pins.get(id);
        if (model == null) {
            try {
                model = Optional.of(instance(id).model());
            } catch (CarraraException e) {
                if (!e.errorCode().equals(NOT_FOUND.toErrorCode())) {
                    throw e;
                }
                model = Optional.empty();
            }
            if (served.pins.size() >= MAX_REMEMBERED_PINS) {
                served.pins.clear();
            }
            served.pins.put(id, model);
        }
        ModelRef expected = served.deployment.model();
        if (model.isEmpty() || !model.get().equals(expected)) {
            throw new CarraraException(INVALID_ARGUMENT, "instance " + id + (model.isEmpty() ? " does not exist" : " is an instance of "
                    + model.get()) + "; deployment " + served.deployment.name() + " can only be pinned to an instance of "
                    + expected + " (see carrara instance list " + expected + ")", "instance");
        }
    }

    private Optional<String> notReadyReason(Served served) {
        if (served == null) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>();
        if (!served.deployment.features().isEmpty() && (features == null || !features.available())) {
            reasons.add("its feature store " + (features == null ? "is not configured" : features.describe() + " does not answer")
                    + "; it looks up " + served.deployment.features().stream().map(lookup -> lookup.group())
                    .distinct().sorted().collect(java.util.stream.Collectors.joining(", ")));
        }
        for (UUID id : served.router.instances()) {
            Optional<String> failure = cache.failure(id);
            if (failure.isPresent()) {
                reasons.add("instance " + id + " failed to load: " + failure.get());
            } else if (config.loadMode() == LoadMode.EAGER && !cache.isLoaded(id)) {
                reasons.add("instance " + id + " is loading");
            }
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    private String platform(UUID id) {
        try {
            return instance(id).artifact().format().wireName();
        } catch (CarraraException e) {
            return "unknown";
        }
    }

    private Instance instance(UUID id) {
        Instance known = instances.get(id);
        if (known == null) {
            known = cache.instance(id).orElseGet(() -> registry.getInstance(id));
            instances.put(id, known); // instances are immutable in what is used here: model and artifact
        }
        return known;
    }

    private Served served(String name) {
        requireNonNull(name, "name is null");
        Served served = deployments.get(name);
        if (served == null) {
            throw new CarraraException(NOT_FOUND, "no deployment named '" + name + "'; see carrara deployment list", "name");
        }
        return served;
    }

    private DeploymentMeters register(String name) {
        Tags tags = Tags.of("deployment", name);
        Counter requests = Counter.builder("carrara.predictions.requests").tags(tags).description("prediction requests").register(meters);
        Counter rowErrors = Counter.builder("carrara.predictions.errors").tags(tags).tag("kind", "row")
                .description("rows that failed").register(meters);
        Counter requestErrors = Counter.builder("carrara.predictions.errors").tags(tags).tag("kind", "request")
                .description("requests that failed as a whole").register(meters);
        // A request takes tens of microseconds, so the buckets start at 5 µs (Micrometer's default starts at 1 ms).
        Timer latency = Timer.builder("carrara.predictions.latency").tags(tags).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(5_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .description("server-side time of a prediction request").register(meters);
        Counter logged = Counter.builder("carrara.predictions.logged").tags(tags)
                .description("predictions queued to the prediction log").register(meters);
        Timer load = Timer.builder("carrara.model.load").tags(tags).description("time to fetch and load an instance").register(meters);
        Gauge ready = Gauge.builder("carrara.deployment.ready", () -> notReadyReason(deployments.get(name)).isEmpty() ? 1 : 0)
                .tags(tags).description("1 when every instance of the deployment can serve").register(meters);
        return new DeploymentMeters(requests, rowErrors, requestErrors, latency, logged, load,
                List.of(requests, rowErrors, requestErrors, latency, logged, load, ready));
    }

    private Counter dropCounter(String deployment) {
        return dropCounters.computeIfAbsent(deployment, name -> Counter.builder("carrara.predictions.log.dropped")
                .tag("deployment", name).description("sampled predictions the prediction log lost").register(meters));
    }
}
