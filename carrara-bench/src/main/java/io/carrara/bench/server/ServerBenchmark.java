package io.carrara.bench.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.client.limit.ConcurrencyLimit;
import com.linecorp.armeria.client.limit.ConcurrencyLimitingClient;
import io.carrara.api.deploy.DeploymentDefinition;
import io.carrara.api.deploy.FeatureLookup;
import io.carrara.api.deploy.MissingFeatures;
import io.carrara.api.feature.FeatureLoadReport;
import io.carrara.api.predict.PredictResponse;
import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Packaging;
import io.carrara.bench.pipeline.Trips.Trip;
import io.carrara.bench.pipeline.TripsModels;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraClientException;
import io.carrara.client.InstanceDefinition;
import io.carrara.client.ModelDefinition;
import io.carrara.client.TransferProgress;
import io.carrara.server.oip.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Load benchmark of the online prediction server (issue 4) against the LR trips pipeline: starts
 * the server as its own JVM (or targets {@code --url}), uploads the pipeline that
 * {@link TripsModels} fits with Spark, and measures
 * <ul>
 *   <li>cold start: wall time from the deploy call to the first successful prediction;</li>
 *   <li>fixed-rate (open-loop) load, corrected for coordinated omission ({@link OpenLoopGenerator});</li>
 *   <li>closed-loop maximum throughput at a few concurrency levels ({@link ClosedLoopGenerator});</li>
 * </ul>
 * over the REST rows endpoint, the Open Inference REST endpoint and gRPC {@code ModelInfer}, for a
 * plain deployment and for one that looks {@code distance} up by trip id in Redis. Beside the
 * client's latencies each table gives the server's own share from its {@code /metrics} histogram
 * ({@link ServerMetrics}). Prints one markdown table per scenario.
 *
 * <pre>
 * mvn -B -q -pl carrara-bench -am package -DskipTests
 * java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.ServerBenchmark
 * java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.ServerBenchmark \
 *     --scenarios fixed-rate --deployments plain --protocols rest --rates 500 --warmup 3 --measure 5
 * </pre>
 */
@Command(name = "ServerBenchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load benchmark of the Carrara prediction server with the LR trips pipeline: cold start, fixed-rate"
                + " (open-loop, corrected for coordinated omission) and closed-loop maximum throughput, over REST and gRPC,"
                + " without and with a Redis feature lookup. Prints markdown tables of client-side latency beside the"
                + " server's own share from its /metrics histogram."})
public final class ServerBenchmark implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelRef MODEL = new ModelRef("bench", "trips-lr");
    private static final double TARGET_P99_MILLIS_PLAIN = 2.0;
    private static final double TARGET_P99_MILLIS_FEATURES = 3.0;
    private static final int TARGET_RATE = 2_000;
    private static final int PREWARM_CONCURRENCY = 4;
    /** Logged predictions read back per request when counting them (the server's most). */
    private static final int LOG_PAGE = 10_000;

    /** What to measure. */
    enum Scenario {
        COLD_START("cold-start"), FIXED_RATE("fixed-rate"), MAX_THROUGHPUT("max-throughput");

        final String option;

        Scenario(String option) {
            this.option = option;
        }
    }

    /** The deployments the load scenarios run against. */
    enum DeploymentKind {
        PLAIN("plain", "no feature lookup"), FEATURES("features", "distance looked up by trip id in the feature store");

        final String option;
        final String description;

        DeploymentKind(String option, String description) {
            this.option = option;
            this.description = description;
        }
    }

    /** How requests travel. */
    enum Protocol {
        REST("rest"), V2_REST("v2-rest"), GRPC("grpc");

        final String option;

        Protocol(String option) {
            this.option = option;
        }
    }

    @Option(names = "--url", paramLabel = "URL",
            description = "Benchmark an already running server instead of starting one. For the features deployment it"
                    + " must have been started with --set features.store=redis.")
    URI url;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "The server jar to start (default: carrara-server/target/carrara-server.jar beside this module)")
    Path serverJar;

    @Option(names = "--server-heap", paramLabel = "SIZE", defaultValue = "2g", description = "The server JVM's -Xmx (default: ${DEFAULT-VALUE})")
    String serverHeap;

    @Option(names = "--server-jvm-flag", paramLabel = "FLAG",
            description = "An extra JVM flag for the server, e.g. --server-jvm-flag=-XX:+UseParallelGC (repeatable)")
    List<String> serverJvmFlags = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A server setting, passed as its --set (repeatable), e.g. --set limits.requestTimeoutSeconds=10")
    Map<String, String> serverSettings = new LinkedHashMap<>();

    @Option(names = "--redis-url", paramLabel = "URL", defaultValue = "redis://127.0.0.1:6379",
            description = "The Redis the started server uses for the features deployment (default: ${DEFAULT-VALUE});"
                    + " its keys get a prefix of their own and are removed at the end")
    String redisUrl;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token for --url (default: $CARRARA_TOKEN); a server started here is called with the admin"
                    + " token it writes to its home")
    String token = System.getenv("CARRARA_TOKEN");

    @Option(names = "--keep-home", description = "Keep the started server's home directory (database, blobs) after the run")
    boolean keepHome;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME", defaultValue = "cold-start,fixed-rate,max-throughput",
            description = "Any of cold-start, fixed-rate, max-throughput (default: ${DEFAULT-VALUE})")
    List<String> scenarioNames;

    @Option(names = "--deployments", split = ",", paramLabel = "NAME", defaultValue = "plain,features",
            description = "The load scenarios' deployments: plain, features (default: ${DEFAULT-VALUE})")
    List<String> deploymentNames;

    @Option(names = "--protocols", split = ",", paramLabel = "NAME", defaultValue = "rest,grpc",
            description = "Any of rest (POST /api/v1/deployments/{name}/predict), v2-rest (POST /v2/models/{name}/infer),"
                    + " grpc (ModelInfer) (default: ${DEFAULT-VALUE})")
    List<String> protocolNames;

    @Option(names = "--rates", split = ",", paramLabel = "RPS", defaultValue = "500,1000,2000,4000",
            description = "Fixed rates in requests per second (default: ${DEFAULT-VALUE})")
    List<Integer> rates;

    @Option(names = "--concurrency", split = ",", paramLabel = "N", defaultValue = "1,4,16,64",
            description = "Requests in flight for the closed-loop runs (default: ${DEFAULT-VALUE})")
    List<Integer> concurrencies;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "10",
            description = "Warm-up before each measured window, discarded (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--measure", paramLabel = "SECONDS", defaultValue = "20",
            description = "Length of each measured window (default: ${DEFAULT-VALUE})")
    double measureSeconds;

    @Option(names = "--prewarm", paramLabel = "SECONDS", defaultValue = "15",
            description = "Closed-loop load (4 in flight) on each protocol and deployment before its first measured run,"
                    + " discarded, so that the first table row does not measure a JIT-cold server path (default: ${DEFAULT-VALUE})")
    double prewarmSeconds;

    @Option(names = "--cold-starts", paramLabel = "N", defaultValue = "3",
            description = "Cold starts to time; the first deploys the uploaded instance, the others new instances of the same"
                    + " artifact under new names (default: ${DEFAULT-VALUE})")
    int coldStarts;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "10000",
            description = "Distinct one-row requests, used in turn; also the number of feature keys (default: ${DEFAULT-VALUE})")
    int rowCount;

    @Option(names = "--http", paramLabel = "h1|h2c", defaultValue = "h1",
            description = "HTTP/1.1 connection pool (h1) or HTTP/2 over cleartext (h2c) for the REST protocols; gRPC is always"
                    + " HTTP/2 (default: ${DEFAULT-VALUE})")
    String http;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "256",
            description = "Requests the client keeps in flight at most; more wait in its queue, timed from their due time"
                    + " (default: ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(names = "--timeout", paramLabel = "MILLIS", defaultValue = "5000",
            description = "A request without an answer after this long counts as a timeout error (default: ${DEFAULT-VALUE})")
    long timeoutMillis;

    @Option(names = "--client-threads", paramLabel = "N", defaultValue = "1",
            description = "Event-loop threads of the load generator's client (default: ${DEFAULT-VALUE})")
    int clientThreads;

    @Option(names = "--seed", defaultValue = "4242", description = "Seed of the request rows (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--log-sample-rate", paramLabel = "RATE",
            description = "The load deployments' logSampleRate, 0 to 1: the share of predictions written to the prediction log"
                    + " (default: not set, so nothing is logged). Each table then notes the predictions queued to the log and"
                    + " dropped in its windows, and the end of the run counts the rows the log holds")
    Double logSampleRate;

    @Option(names = "--outputs", paramLabel = "COL1,COL2", split = ",",
            description = "The load deployments' outputs: answer and log only these of the columns the pipeline adds (default:"
                    + " not set, every column); e.g. probability,prediction")
    List<String> outputs;

    private final PrintStream out = System.out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> targetChecks = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new ServerBenchmark());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("error: " + error.getMessage());
            if (!(error instanceof IllegalArgumentException || error instanceof IllegalStateException
                    || error instanceof CarraraClientException)) {
                error.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Set<Scenario> scenarios = parse(scenarioNames, Scenario.class, scenario -> scenario.option, "--scenarios");
        Set<DeploymentKind> deployments = parse(deploymentNames, DeploymentKind.class, kind -> kind.option, "--deployments");
        Set<Protocol> protocols = parse(protocolNames, Protocol.class, protocol -> protocol.option, "--protocols");
        checkOptions();
        boolean loads = scenarios.contains(Scenario.FIXED_RATE) || scenarios.contains(Scenario.MAX_THROUGHPUT);
        boolean features = loads && deployments.contains(DeploymentKind.FEATURES);

        Path modelDirectory = TripsModels.LOGISTIC_REGRESSION.directory();
        stopSpark();
        List<Trip> trips = TripsRequests.trips(rowCount, seed);

        Path workDirectory = null;
        ServerProcess server = null;
        Thread stopServer = null;
        try {
            URI base;
            if (url != null) {
                base = url;
            } else {
                workDirectory = Files.createTempDirectory("carrara-bench-server-");
                Map<String, String> settings = new LinkedHashMap<>();
                if (features) {
                    settings.put("features.store", "redis");
                    settings.put("features.redis.url", redisUrl);
                    settings.put("features.redis.prefix", "carrara-bench:" + run + ":");
                }
                settings.putAll(serverSettings);
                List<String> jvm = new ArrayList<>(List.of("-Xmx" + serverHeap));
                jvm.addAll(serverJvmFlags);
                server = ServerProcess.start(serverJar != null ? serverJar : defaultServerJar(), workDirectory.resolve("home"),
                        workDirectory.resolve("server.log"), jvm, settings, Duration.ofSeconds(120));
                ServerProcess started = server;
                stopServer = new Thread(started::close, "stop-carrara-server");
                Runtime.getRuntime().addShutdownHook(stopServer);
                base = server.uri();
                Path adminToken = workDirectory.resolve("home").resolve("admin-token");
                token = Files.isRegularFile(adminToken) ? Files.readString(adminToken).strip() : null;
            }
            printHeader(base, server, modelDirectory, features);
            benchmark(base, scenarios, deployments, protocols, trips, modelDirectory);
            return 0;
        } finally {
            if (server != null) {
                server.close();
                out.println("server stopped; its log is " + server.log());
                try {
                    Runtime.getRuntime().removeShutdownHook(stopServer);
                } catch (IllegalStateException e) {
                    // Already shutting down: the hook runs (and finds the server stopped).
                }
            }
            if (workDirectory != null && !keepHome) {
                deleteRecursively(workDirectory.resolve("home"));
            }
        }
    }

    private void benchmark(URI base, Set<Scenario> scenarios, Set<DeploymentKind> deployments, Set<Protocol> protocols,
            List<Trip> trips, Path modelDirectory) {
        CarraraClient client = CarraraClient.builder(base).user("carrara-bench").token(token)
                .requestTimeout(Duration.ofSeconds(120)).build();
        List<String> deployed = new ArrayList<>();
        String featureGroup = null;
        ClientFactory factory = ClientFactory.builder().workerGroup(clientThreads).build();
        try {
            ensureModel(client);
            Instance instance = upload(client, modelDirectory);
            out.printf("uploaded %s as instance %s of %s (%,d bytes)%n%n", modelDirectory.getFileName(), instance.id(), MODEL,
                    instance.artifact().size());
            ServerMetrics metrics = new ServerMetrics(authorized(WebClient.builder(scheme("h1c", base))).factory(factory)
                    .responseTimeout(Duration.ofSeconds(30)).build());

            if (scenarios.contains(Scenario.COLD_START)) {
                coldStarts(client, metrics, instance, trips.get(0), deployed);
            }
            if (!(scenarios.contains(Scenario.FIXED_RATE) || scenarios.contains(Scenario.MAX_THROUGHPUT))) {
                return;
            }
            Map<DeploymentKind, String> names = new LinkedHashMap<>();
            Instant loadStarted = Instant.now().minusSeconds(60);   // the server's clock may be a little behind this one
            String plain = "bench-" + run + "-trips";
            deploy(client, DeploymentDefinition.pinned(plain, instance.id()).withLogSampleRate(logSampleRate).withOutputs(outputs),
                    trips.get(0), deployed);
            if (deployments.contains(DeploymentKind.PLAIN)) {
                names.put(DeploymentKind.PLAIN, plain);
            }
            if (deployments.contains(DeploymentKind.FEATURES)) {
                featureGroup = "bench_" + run;
                String withFeatures = deployFeatures(client, instance, trips, featureGroup, plain, deployed);
                names.put(DeploymentKind.FEATURES, withFeatures);
            }
            for (Map.Entry<DeploymentKind, String> deployment : names.entrySet()) {
                boolean withDistance = deployment.getKey() == DeploymentKind.PLAIN;
                for (Protocol protocol : protocols) {
                    LoadTarget target = target(protocol, factory, base, deployment.getValue(), trips, withDistance);
                    target.verify();
                    prewarm(target, metrics);
                    if (scenarios.contains(Scenario.FIXED_RATE)) {
                        fixedRate(target, metrics, deployment.getKey(), deployment.getValue());
                    }
                    if (scenarios.contains(Scenario.MAX_THROUGHPUT)) {
                        maxThroughput(target, metrics, deployment.getKey(), deployment.getValue());
                    }
                }
            }
            if (logSampleRate != null) {
                countLogged(client, metrics, names.values(), loadStarted);
            }
            if (!targetChecks.isEmpty()) {
                out.println("### Against the targets (p99 at " + MarkdownTable.count(TARGET_RATE) + " rps)");
                out.println();
                targetChecks.forEach(line -> out.println("- " + line));
                out.println();
            }
        } finally {
            cleanUp(client, deployed, featureGroup, trips);
            factory.close();
        }
    }

    /**
     * Uploads the model as a zip without provenance, so that the same requests work against servers
     * from before provenance format 2 (compare-servers.sh runs one generator against two servers).
     */
    private Instance upload(CarraraClient client, Path modelDirectory) {
        try {
            Path archive = Files.createTempFile("carrara-bench-", ".zip");
            try {
                try (java.io.OutputStream out = Files.newOutputStream(archive)) {
                    ModelArchive.pack(modelDirectory, out);
                }
                String sha256 = client.instances().uploadBlob(archive, TransferProgress.NONE).sha256();
                return client.instances().create(MODEL, new InstanceDefinition(sha256, ArtifactFormat.SPARK_PIPELINE,
                        Packaging.ZIP, Map.of("benchmark", run), null));
            } finally {
                Files.deleteIfExists(archive);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + modelDirectory, e);
        }
    }

    // ---- cold start

    private void coldStarts(CarraraClient client, ServerMetrics metrics, Instance uploaded, Trip trip, List<String> deployed) {
        MarkdownTable table = new MarkdownTable("#", "what was deployed", "deploy call", "deploy → first prediction",
                "server model load", "predict attempts").textColumns(2);
        for (int i = 1; i <= coldStarts; i++) {
            Instance instance = i == 1 ? uploaded : client.instances().create(MODEL, new InstanceDefinition(uploaded.artifact().sha256(),
                    ArtifactFormat.SPARK_PIPELINE, uploaded.artifact().packaging(), Map.of("benchmark", run, "coldStart",
                            Integer.toString(i)), null));
            String name = "bench-" + run + "-cold-" + i;
            long started = System.nanoTime();
            client.deployments().deploy(DeploymentDefinition.pinned(name, instance.id()));
            long deployedAt = System.nanoTime();
            deployed.add(name);
            int attempts = awaitPrediction(client, name, trip, Duration.ofSeconds(120));
            long predictedAt = System.nanoTime();
            String load = ServerMetrics.modelLoadSeconds(metrics.scrape().join(), name).stream()
                    .mapToObj(seconds -> MarkdownTable.millis(seconds * 1_000)).findFirst().orElse("–");
            table.add(Integer.toString(i), i == 1 ? "the uploaded instance: artifact fetched from the blob store"
                    + (url == null ? ", first model of a fresh server" : "")
                    : "a new instance of the same artifact (already on local disk)",
                    MarkdownTable.millis((deployedAt - started) / 1e6), MarkdownTable.millis((predictedAt - started) / 1e6), load,
                    Integer.toString(attempts));
        }
        out.println("### Cold start: deploy → first successful prediction");
        out.println();
        out.println("Wall time on the client from the deploy call to the first 200 answer with a prediction of"
                + " POST /api/v1/deployments/{name}/predict (polled every 5 ms; a 503 while loading is retried);"
                + " \"server model load\" is the server's carrara_model_load_seconds for that deployment.");
        out.println();
        out.println(table.render());
    }

    /** Polls the rows endpoint until it answers a prediction; answers the number of attempts. */
    private static int awaitPrediction(CarraraClient client, String deployment, Trip trip, Duration timeout) {
        ObjectNode row;
        try {
            row = (ObjectNode) JSON.readTree(TripsRequests.rowsBody(trip, true)).path("rows").path(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int attempts = 0;
        CarraraClientException last = null;
        while (System.nanoTime() < deadline) {
            attempts++;
            try {
                PredictResponse answer = client.predictions().predict(deployment, List.of(row), null);
                if (answer.predictions().get(0).get("prediction") instanceof Number) {
                    return attempts;
                }
                throw new IllegalStateException(deployment + " answered without a prediction: " + answer);
            } catch (CarraraClientException e) {
                if (e.httpStatus() != 503) {
                    throw e;
                }
                last = e;
            }
            sleep(5);
        }
        throw new IllegalStateException(deployment + " did not predict within " + timeout.toSeconds() + " s"
                + (last == null ? "" : "; last answer: " + last.getMessage()));
    }

    // ---- deployments

    private static void ensureModel(CarraraClient client) {
        try {
            client.projects().create(MODEL.project(), "load benchmarks");
        } catch (CarraraClientException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
        }
        try {
            client.models().create(MODEL, ModelDefinition.empty());
        } catch (CarraraClientException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
        }
    }

    /** Deploys and waits until the deployment predicts {@code trip} (the lookup, if any, overwrites its distance). */
    private static void deploy(CarraraClient client, DeploymentDefinition definition, Trip trip, List<String> deployed) {
        client.deployments().deploy(definition);
        deployed.add(definition.name());
        awaitPrediction(client, definition.name(), trip, Duration.ofSeconds(120));
    }

    /**
     * Loads {@code distance} of every row into the feature group (keyed by the row's id), deploys the
     * same instance with that lookup ({@code missingFeatures: reject}, so a missing key is an error,
     * not a silent null), and checks once that a row without distance predicts exactly what the plain
     * deployment predicts for the row with it.
     */
    private String deployFeatures(CarraraClient client, Instance instance, List<Trip> trips, String group, String plain,
            List<String> deployed) {
        Path lines = null;
        try {
            lines = Files.createTempFile("carrara-bench-features-", ".jsonl");
            Files.write(lines, trips.stream().map(TripsRequests::featureLine).toList(), StandardCharsets.UTF_8);
            long started = System.nanoTime();
            FeatureLoadReport report = client.features().load(group, lines, "id", "jsonl", TransferProgress.NONE);
            if (report.loaded() != trips.size() || report.failed() != 0) {
                throw new IllegalStateException("loading features into " + group + " loaded " + report.loaded() + " of "
                        + trips.size() + " rows; errors: " + report.errors());
            }
            out.printf("loaded %s for %,d trips into feature group %s in %.1f s%n", TripsRequests.FEATURE, trips.size(), group,
                    (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the feature file", e);
        } finally {
            if (lines != null) {
                lines.toFile().delete();
            }
        }
        String name = "bench-" + run + "-trips-features";
        deploy(client, DeploymentDefinition.pinned(name, instance.id())
                .withFeatures(List.of(new FeatureLookup(group, "id", List.of(TripsRequests.FEATURE))), MissingFeatures.REJECT)
                .withLogSampleRate(logSampleRate).withOutputs(outputs), trips.get(0),
                deployed);
        Trip trip = trips.get(trips.size() - 1);
        JsonNode withLookup = predictOne(client, name, trip, false);
        JsonNode direct = predictOne(client, plain, trip, true);
        if (!withLookup.path("probability").equals(direct.path("probability"))) {
            throw new IllegalStateException("the feature lookup did not supply " + TripsRequests.FEATURE + ": " + name
                    + " predicted " + withLookup + " but " + plain + " predicted " + direct);
        }
        out.printf("deployed %s: %s of each row looked up by id in %s; checked against %s on row %s%n%n", name,
                TripsRequests.FEATURE, group, plain, trip.id());
        return name;
    }

    private static JsonNode predictOne(CarraraClient client, String deployment, Trip trip, boolean withDistance) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                JsonNode row = JSON.readTree(TripsRequests.rowsBody(trip, withDistance)).path("rows").path(0);
                Map<String, Object> prediction = client.predictions().predict(deployment, List.of(row), null).predictions().get(0);
                if (!(prediction.get("prediction") instanceof Number)) {
                    throw new IllegalStateException(deployment + " did not predict row " + trip.id() + ": " + prediction);
                }
                return JSON.valueToTree(prediction);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (CarraraClientException e) {
                if (e.httpStatus() != 503 || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            sleep(5);
        }
    }

    private void cleanUp(CarraraClient client, List<String> deployed, String featureGroup, List<Trip> trips) {
        for (String name : deployed) {
            try {
                client.deployments().undeploy(name);
            } catch (RuntimeException e) {
                out.println("could not undeploy " + name + ": " + e.getMessage());
            }
        }
        if (featureGroup != null) {
            int removed = 0;
            for (Trip trip : trips) {
                try {
                    client.features().delete(featureGroup, trip.id());
                    removed++;
                } catch (CarraraClientException e) {
                    if (e.httpStatus() != 404) {
                        out.println("could not remove the benchmark's features (" + e.getMessage() + "); group " + featureGroup
                                + " keeps " + (trips.size() - removed) + " keys");
                        return;
                    }
                }
            }
        }
    }

    // ---- load

    private LoadTarget target(Protocol protocol, ClientFactory factory, URI base, String deployment, List<Trip> trips,
            boolean withDistance) {
        Duration timeout = Duration.ofMillis(timeoutMillis);
        return switch (protocol) {
            case REST, V2_REST -> {
                WebClient web = authorized(WebClient.builder(scheme(http.equals("h2c") ? "h2c" : "h1c", base))).factory(factory)
                        .responseTimeout(timeout)
                        .decorator(ConcurrencyLimitingClient.newDecorator(inFlightLimit()))
                        .build();
                yield protocol == Protocol.REST
                        ? HttpLoadTarget.rows(web, deployment, trips.stream().map(trip -> TripsRequests.rowsBody(trip, withDistance)).toList())
                        : HttpLoadTarget.inference(web, deployment,
                                trips.stream().map(trip -> TripsRequests.inferenceBody(trip, withDistance)).toList());
            }
            case GRPC -> new GrpcLoadTarget(authorized(GrpcClients.builder(scheme("h2c", base))).factory(factory)
                    .responseTimeout(timeout)
                    .decorator(ConcurrencyLimitingClient.newDecorator(inFlightLimit()))
                    .build(GRPCInferenceServiceStub.class),
                    trips.stream().map(trip -> TripsRequests.inferRequest(deployment, trip, withDistance)).toList());
        };
    }

    /** A client that sends the API token, when there is one (a server with auth.enabled=false needs none). */
    private <B extends com.linecorp.armeria.client.AbstractClientOptionsBuilder> B authorized(B builder) {
        if (token != null && !token.isBlank()) {
            builder.addHeader(com.linecorp.armeria.common.HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        }
        return builder;
    }

    /** At most {@code --max-in-flight} requests on the wire; the rest wait in the client's queue, up to the timeout. */
    private ConcurrencyLimit inFlightLimit() {
        return ConcurrencyLimit.builder(maxInFlight).timeoutMillis(timeoutMillis).build();
    }

    /**
     * Closed-loop load before the first measured run, with {@code /metrics} scraped every second meanwhile: the scrape
     * at the start of a measured window must not be the first the server sees, or the JIT's deoptimization of the
     * request path it compiled without one lands in the window (a 300–400 ms stall on one core, measured 2026-12-07).
     */
    private void prewarm(LoadTarget target, ServerMetrics metrics) {
        if (prewarmSeconds <= 0) {
            return;
        }
        ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
        try {
            scraper.scheduleAtFixedRate(() -> metrics.scrape().exceptionally(error -> null), 0, 1, TimeUnit.SECONDS);
            LoadResult result = new ClosedLoopGenerator(target, PREWARM_CONCURRENCY).run(Duration.ZERO,
                    Duration.ofNanos((long) (prewarmSeconds * 1e9)), drain(), () -> { });
            out.printf("pre-warmed %s for %s: %,d requests, %,d failed%n%n", target.label(), seconds(prewarmSeconds),
                    result.requests(), result.failed());
        } finally {
            scraper.shutdownNow();
        }
    }

    private void fixedRate(LoadTarget target, ServerMetrics metrics, DeploymentKind kind, String deployment) {
        MarkdownTable table = new MarkdownTable("target rps", "achieved rps", "p50", "p90", "p99", "p99.9", "max", "service p99",
                "errors", "server p50", "server p99", "server mean");
        List<String> notes = new ArrayList<>();
        String load = loadAverage();
        for (int rate : rates) {
            Window window = measure(metrics, deployment, start -> new OpenLoopGenerator(target, rate).run(warmup(), measure(),
                    drain(), start));
            LoadResult result = window.client;
            Histogram latency = result.latency();
            table.add(MarkdownTable.count(rate), MarkdownTable.count(result.achievedPerSecond()),
                    quantile(latency, 50), quantile(latency, 90), quantile(latency, 99), quantile(latency, 99.9),
                    MarkdownTable.millisFromMicros(latency.getMaxValue()), quantile(result.serviceTime(), 99),
                    errors(result, window.server), MarkdownTable.bucketQuantile(window.server.latency().quantile(0.5)),
                    MarkdownTable.bucketQuantile(window.server.latency().quantile(0.99)), serverMean(window.server));
            if (result.sendLag().getValueAtPercentile(99.9) > 1_000) {
                notes.add(String.format(Locale.ROOT, "at %,d rps the generator sent late: p99.9 %s, max %s after the due time"
                        + " (counted in the latency, which starts at the due time)", rate,
                        MarkdownTable.millisFromMicros(result.sendLag().getValueAtPercentile(99.9)),
                        MarkdownTable.millisFromMicros(result.sendLag().getMaxValue())));
            }
            errorNote(rate + " rps", result).ifPresent(notes::add);
            logNote(rate + " rps", window.server).ifPresent(notes::add);
            if (rate == TARGET_RATE && latency.getTotalCount() > 0) {
                double target99 = kind == DeploymentKind.PLAIN ? TARGET_P99_MILLIS_PLAIN : TARGET_P99_MILLIS_FEATURES;
                double p99 = latency.getValueAtPercentile(99) / 1_000.0;
                targetChecks.add(String.format(Locale.ROOT, "%s, %s: p99 %s against ≤ %s: %s%s", kind.option, target.label(),
                        MarkdownTable.millis(p99), MarkdownTable.millis(target99), p99 <= target99 ? "met" : "missed",
                        result.failed() > 0 ? " (the run had " + result.failed() + " errors)" : ""));
            }
        }
        out.printf("### %s, %s deployment (%s): fixed rate, open loop%n%n", target.label(), kind.option, kind.description);
        out.printf("%s warm-up (discarded), %s measured per rate; latency timed from each request's due time (corrected for"
                + " coordinated omission), service time from its actual send; achieved = successful answers arriving in the"
                + " window per second; %s. Load average before: %s.%n%n", seconds(warmupSeconds), seconds(measureSeconds),
                serverShareNote(), load);
        out.print(table.render());
        notes.forEach(note -> out.println("- " + note));
        out.println();
    }

    private void maxThroughput(LoadTarget target, ServerMetrics metrics, DeploymentKind kind, String deployment) {
        MarkdownTable table = new MarkdownTable("in flight", "throughput rps", "p50", "p90", "p99", "p99.9", "max", "errors",
                "server p50", "server p99", "server mean");
        List<String> notes = new ArrayList<>();
        String load = loadAverage();
        for (int concurrency : concurrencies) {
            Window window = measure(metrics, deployment, start -> new ClosedLoopGenerator(target, concurrency).run(warmup(),
                    measure(), drain(), start));
            LoadResult result = window.client;
            Histogram latency = result.latency();
            table.add(Integer.toString(concurrency), MarkdownTable.count(result.achievedPerSecond()), quantile(latency, 50),
                    quantile(latency, 90), quantile(latency, 99), quantile(latency, 99.9),
                    MarkdownTable.millisFromMicros(latency.getMaxValue()), errors(result, window.server),
                    MarkdownTable.bucketQuantile(window.server.latency().quantile(0.5)),
                    MarkdownTable.bucketQuantile(window.server.latency().quantile(0.99)), serverMean(window.server));
            errorNote(concurrency + " in flight", result).ifPresent(notes::add);
            logNote(concurrency + " in flight", window.server).ifPresent(notes::add);
        }
        out.printf("### %s, %s deployment (%s): maximum throughput, closed loop%n%n", target.label(), kind.option,
                kind.description);
        out.printf("%s warm-up (discarded), %s measured per level; each of N requests in flight is sent when the one before"
                + " it is answered, latency from the send; %s. Load average before: %s.%n%n", seconds(warmupSeconds),
                seconds(measureSeconds), serverShareNote(), load);
        out.print(table.render());
        notes.forEach(note -> out.println("- " + note));
        out.println();
    }

    /** A client run with the server's window around it: scraped when the measured window starts and after its last answer. */
    private record Window(LoadResult client, ServerMetrics.Window server) {}

    private Window measure(ServerMetrics metrics, String deployment, Function<Runnable, LoadResult> run) {
        List<CompletableFuture<String>> before = new ArrayList<>(1);
        LoadResult result = run.apply(() -> before.add(metrics.scrape()));
        String after = metrics.scrape().join();
        ServerMetrics.Window server = ServerMetrics.Window.between(before.get(0).join(), after, deployment);
        sleep(1_000);
        return new Window(result, server);
    }

    private static String errors(LoadResult result, ServerMetrics.Window server) {
        String client = MarkdownTable.count(result.failed());
        return server.errors() == 0 ? client : client + " (server: " + MarkdownTable.count(server.errors()) + ")";
    }

    private static Optional<String> errorNote(String run, LoadResult result) {
        if (result.failed() == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "THE RUN AT %s HAD ERRORS: %,d of %,d measured requests failed (%s);"
                + " its latencies cover the successful ones only", run, result.failed(), result.requests(),
                result.errorKinds().entrySet().stream().map(entry -> entry.getKey() + ": " + entry.getValue())
                        .collect(Collectors.joining(", "))));
    }

    /** With --log-sample-rate: what the server queued to the prediction log and lost in the window, from its counters. */
    private Optional<String> logNote(String run, ServerMetrics.Window server) {
        if (logSampleRate == null) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "prediction log at %s (logSampleRate %s): %,d predictions queued to it in the"
                + " window (%s), %,d dropped (%s)", run, logSampleRate, server.logged(), ServerMetrics.LOGGED, server.logDropped(),
                ServerMetrics.LOG_DROPPED));
    }

    /**
     * With --log-sample-rate: the rows each load deployment's prediction log holds, read back page by page over
     * {@code GET /api/v1/deployments/{name}/predictions} (the proof that the predictions were written, not only queued),
     * beside the server's counters over the whole run.
     */
    private void countLogged(CarraraClient client, ServerMetrics metrics, java.util.Collection<String> deployments, Instant from) {
        sleep(2_000);   // the log's writer thread empties its queue after the last answer
        String exposition = metrics.scrape().join();
        out.println("### Prediction log");
        out.println();
        for (String deployment : deployments) {
            Set<String> ids = new java.util.HashSet<>();
            long inputBytes = 0;
            long outputBytes = 0;
            int sized = 0;
            Instant pageFrom = from;
            Instant to = Instant.now().plusSeconds(60);
            while (true) {
                List<io.carrara.api.predict.LoggedPrediction> page = client.deployments().loggedPredictions(deployment, pageFrom, to,
                        LOG_PAGE);
                int before = ids.size();
                page.forEach(prediction -> ids.add(prediction.id()));
                if (sized == 0) {   // the first page's rows, as JSON text, tell the size of a logged row
                    for (io.carrara.api.predict.LoggedPrediction prediction : page) {
                        inputBytes += json(prediction.input()).length;
                        outputBytes += json(prediction.output()).length;
                        sized++;
                    }
                }
                if (page.size() < LOG_PAGE || ids.size() == before) {
                    break;
                }
                // The next page starts at the last one's time (inclusive): ids already counted are not counted again.
                pageFrom = page.get(page.size() - 1).createdAt();
            }
            Map<String, String> labels = Map.of("deployment", deployment);
            out.printf(Locale.ROOT, "- %s (logSampleRate %s): %,d rows in the prediction log; over the whole run the server counted"
                    + " %,.0f requests, %,.0f predictions queued to the log and %,.0f dropped%n", deployment, logSampleRate, ids.size(),
                    PrometheusText.total(exposition, "carrara_predictions_requests_total", labels),
                    PrometheusText.total(exposition, ServerMetrics.LOGGED, labels),
                    PrometheusText.total(exposition, ServerMetrics.LOG_DROPPED, labels));
            if (sized > 0) {
                out.printf(Locale.ROOT, "  a logged row's JSON, mean of %,d: input %,d bytes, output %,d bytes%n", sized,
                        inputBytes / sized, outputBytes / sized);
            }
        }
        out.println();
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String serverMean(ServerMetrics.Window server) {
        return server.latency().mean().stream().mapToObj(seconds -> MarkdownTable.millis(seconds * 1_000)).findFirst().orElse("–");
    }

    private static String serverShareNote() {
        return "server = its carrara_predictions_latency_seconds histogram over the same window (the engine's predict: feature"
                + " lookup and scoring, without HTTP, JSON or protobuf), quantiles at bucket resolution (≤ x when in the lowest bucket),"
                + " mean exact; errors in brackets are the server's carrara_predictions_errors_total, which also counts rows that"
                + " failed inside a 200 answer";
    }

    static String quantile(Histogram histogram, double percentile) {
        return histogram == null || histogram.getTotalCount() == 0 ? "–"
                : MarkdownTable.millisFromMicros(histogram.getValueAtPercentile(percentile));
    }

    // ---- set-up

    private void checkOptions() {
        if (warmupSeconds < 0 || prewarmSeconds < 0 || measureSeconds <= 0) {
            throw new IllegalArgumentException("--warmup and --prewarm must be at least 0 and --measure more than 0 seconds");
        }
        if (rates.stream().anyMatch(rate -> rate <= 0) || concurrencies.stream().anyMatch(level -> level <= 0)) {
            throw new IllegalArgumentException("--rates and --concurrency must be positive");
        }
        if (!(http.equals("h1") || http.equals("h2c"))) {
            throw new IllegalArgumentException("--http must be h1 or h2c, not " + http);
        }
        if (rowCount < 1 || coldStarts < 0 || maxInFlight < 1 || timeoutMillis < 1 || clientThreads < 1) {
            throw new IllegalArgumentException("--rows, --max-in-flight, --timeout and --client-threads must be positive,"
                    + " --cold-starts at least 0");
        }
    }

    private static <E extends Enum<E>> Set<E> parse(List<String> names, Class<E> type, Function<E, String> option, String flag) {
        Set<E> chosen = EnumSet.noneOf(type);
        for (String name : names) {
            E value = Stream.of(type.getEnumConstants()).filter(constant -> option.apply(constant).equals(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown " + flag + " value '" + name + "'; choose from "
                            + Stream.of(type.getEnumConstants()).map(option).collect(Collectors.joining(", "))));
            chosen.add(value);
        }
        return chosen;
    }

    private void printHeader(URI base, ServerProcess server, Path modelDirectory, boolean features) {
        out.println("## Prediction server load benchmark, " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.println();
        out.printf("- machine: %d cores, Java %s; load average at start: %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadAverage());
        out.println("- server: " + (server == null ? base + " (already running)" : String.join(" ", server.command())));
        out.println("- model: " + modelDirectory + " (LR trips pipeline, one row per request, " + MarkdownTable.count(rowCount)
                + " distinct rows in turn)");
        out.printf("- client: Armeria, %d event-loop thread(s), REST over %s, gRPC over HTTP/2, at most %d requests in flight,"
                + " timeout %d ms%n", clientThreads, http.equals("h2c") ? "HTTP/2 (h2c)" : "an HTTP/1.1 connection pool",
                maxInFlight, timeoutMillis);
        if (logSampleRate != null) {
            out.printf(Locale.ROOT, "- prediction log: the load deployments log at logSampleRate %s%n", logSampleRate);
        }
        if (outputs != null) {
            out.printf(Locale.ROOT, "- outputs: the load deployments answer and log only %s%n", String.join(", ", outputs));
        }
        if (features) {
            out.println("- features deployment: " + (server == null ? "the server's own feature store (start it with"
                    + " --set features.store=redis for Redis)" : "Redis at " + redisUrl + ", key prefix carrara-bench:" + run + ":"));
        }
        out.println();
    }

    private static void stopSpark() {
        // Fitting the models (first run only) leaves a local Spark session; it must not share the cores with the load.
        scala.Option<org.apache.spark.sql.SparkSession> session = org.apache.spark.sql.SparkSession.getDefaultSession();
        if (session.isDefined()) {
            session.get().stop();
        }
    }

    /** {@code carrara-server/target/carrara-server.jar} under the working directory, else beside this module's jar. */
    private static Path defaultServerJar() {
        Path relative = Path.of("carrara-server", "target", "carrara-server.jar");
        if (Files.isRegularFile(relative)) {
            return relative;
        }
        try {
            // <root>/carrara-bench/target/carrara-bench.jar → <root>/carrara-server/target/carrara-server.jar
            Path root = Path.of(ServerBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().getParent().getParent().getParent();
            return root == null ? relative : root.resolve(relative);
        } catch (URISyntaxException e) {
            return relative;
        }
    }

    private static String scheme(String scheme, URI base) {
        return scheme + "://" + base.getHost() + ":" + (base.getPort() > 0 ? base.getPort() : 80);
    }

    private Duration warmup() {
        return Duration.ofNanos((long) (warmupSeconds * 1e9));
    }

    private Duration measure() {
        return Duration.ofNanos((long) (measureSeconds * 1e9));
    }

    private Duration drain() {
        return Duration.ofMillis(timeoutMillis + 2_000);
    }

    static String seconds(double seconds) {
        return (seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds)) + " s";
    }

    static String loadAverage() {
        return io.carrara.bench.Machine.loadAverage();
    }

    static void sleep(long millis) {
        io.carrara.bench.Machine.sleep(millis);
    }

    private static void deleteRecursively(Path directory) {
        io.carrara.bench.Machine.deleteRecursively(directory);
    }
}
