package io.carrara.bench.server;

import static io.carrara.bench.server.ServerBenchmark.loadAverage;
import static io.carrara.bench.server.ServerBenchmark.quantile;
import static io.carrara.bench.server.ServerBenchmark.seconds;
import static io.carrara.bench.server.ServerBenchmark.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.client.limit.ConcurrencyLimit;
import com.linecorp.armeria.client.limit.ConcurrencyLimitingClient;
import io.carrara.server.oip.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import io.carrara.server.oip.proto.GrpcPredictV2.InferTensorContents;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Open-loop fixed-rate load (the {@link OpenLoopGenerator} of {@link ServerBenchmark}) against an
 * already running Carrara deployment of a Python dataframe model, over REST ({@code POST
 * /api/v1/deployments/NAME/predict}) and OIP gRPC ({@code ModelInfer}), and against an MLflow-style
 * scoring server ({@code POST /invocations} with {@code dataframe_split}) serving the same model,
 * one row a request, the rows read from a JSON Lines file (every line one row of the model's
 * numeric inputs) and used in turn. For each rate the targets run one after the other, so that the
 * machine's noise falls on all of them. Prints one markdown table per target and one side by side,
 * with Carrara p50 minus the in-process floor ({@code --floor-p50-ms}) and Carrara p99 ÷ FastAPI p99.
 *
 * <pre>
 * java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.PythonServingBenchmark \
 *     --url http://127.0.0.1:18412 --deployment breast-cancer --rows rows.jsonl \
 *     --fastapi-url http://127.0.0.1:18413 --rates 200,500,1000 --floor-p50-ms 1.16
 * </pre>
 */
@Command(name = "PythonServingBenchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fixed-rate (open-loop) latency of a running Carrara deployment of a Python model over REST and"
                + " OIP gRPC, beside a FastAPI /invocations server of the same model, one row a request."})
public final class PythonServingBenchmark implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TARGET_P50_OVER_FLOOR_MILLIS = 0.3;
    private static final double TARGET_P99_RATIO = 0.5;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Carrara's API token (default: $CARRARA_TOKEN)")
    String token = System.getenv("CARRARA_TOKEN");

    @Option(names = "--url", required = true, paramLabel = "URL", description = "The running Carrara server")
    URI url;

    @Option(names = "--deployment", required = true, paramLabel = "NAME", description = "The Carrara deployment to call")
    String deployment;

    @Option(names = "--rows", required = true, paramLabel = "FILE",
            description = "JSON Lines: one row of the model's inputs a line (numbers), used in turn")
    Path rowsFile;

    @Option(names = "--output", paramLabel = "NAME", defaultValue = "probability_malignant",
            description = "A numeric output every answer must carry (checked once per target; default: ${DEFAULT-VALUE})")
    String output;

    @Option(names = "--fastapi-url", paramLabel = "URL", description = "The FastAPI scoring server (POST /invocations)")
    URI fastapiUrl;

    @Option(names = "--targets", split = ",", paramLabel = "NAME", defaultValue = "rest,grpc,fastapi",
            description = "Any of rest, grpc, fastapi (default: ${DEFAULT-VALUE})")
    List<String> targetNames;

    @Option(names = "--rates", split = ",", paramLabel = "RPS", defaultValue = "200,500,1000",
            description = "Fixed rates in requests per second (default: ${DEFAULT-VALUE})")
    List<Integer> rates;

    @Option(names = "--concurrency", split = ",", paramLabel = "N", defaultValue = "1",
            description = "Requests in flight for closed-loop runs after the fixed-rate ones: throughput and latency from the"
                    + " send, so 1 gives each target's unloaded per-request time (default: ${DEFAULT-VALUE}; 0 for none)")
    List<Integer> concurrencies;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5", description = "Discarded warm-up per run (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--measure", paramLabel = "SECONDS", defaultValue = "15", description = "Measured window per run (default: ${DEFAULT-VALUE})")
    double measureSeconds;

    @Option(names = "--prewarm", paramLabel = "SECONDS", defaultValue = "10",
            description = "Closed-loop load (2 in flight) on each target before its first run, discarded (default: ${DEFAULT-VALUE})")
    double prewarmSeconds;

    @Option(names = "--floor-p50-ms", paramLabel = "MS", description = "The in-process predict p50, for Carrara p50 − floor")
    Double floorP50;

    @Option(names = "--floor-p99-ms", paramLabel = "MS", description = "The in-process predict p99, shown beside it")
    Double floorP99;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "256", description = "Client in-flight limit (default: ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(names = "--timeout", paramLabel = "MILLIS", defaultValue = "5000", description = "Request timeout (default: ${DEFAULT-VALUE})")
    long timeoutMillis;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new PythonServingBenchmark());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("error: " + error.getMessage());
            if (!(error instanceof IllegalArgumentException || error instanceof IllegalStateException)) {
                error.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Map<String, Double>> rows = readRows(rowsFile);
        List<String> columns = new ArrayList<>(rows.get(0).keySet());
        ClientFactory factory = ClientFactory.builder().workerGroup(1).build();
        try {
            Map<String, LoadTarget> targets = new LinkedHashMap<>();
            for (String name : targetNames) {
                switch (name.trim()) {
                    case "rest" -> targets.put("Carrara REST", restTarget(factory, rows));
                    case "grpc" -> targets.put("Carrara gRPC", grpcTarget(factory, rows, columns));
                    case "fastapi" -> {
                        if (fastapiUrl == null) {
                            throw new IllegalArgumentException("--targets fastapi needs --fastapi-url");
                        }
                        targets.put("FastAPI", fastapiTarget(factory, rows, columns));
                    }
                    default -> throw new IllegalArgumentException("unknown target " + name + "; choose from rest, grpc, fastapi");
                }
            }
            out.printf("- client: Armeria, 1 event-loop thread, HTTP/1.1 connection pool for REST and FastAPI, HTTP/2 for gRPC;"
                    + " %,d distinct rows from %s in turn; %s warm-up and %s measured per run; load average at start: %s%n%n",
                    rows.size(), rowsFile.getFileName(), seconds(warmupSeconds), seconds(measureSeconds), loadAverage());
            for (LoadTarget target : targets.values()) {
                target.verify();
                if (prewarmSeconds > 0) {
                    LoadResult warm = new ClosedLoopGenerator(target, 2).run(Duration.ZERO,
                            Duration.ofNanos((long) (prewarmSeconds * 1e9)), drain(), () -> { });
                    out.printf("pre-warmed %s: %,d requests, %,d failed%n", target.label(), warm.requests(), warm.failed());
                }
            }
            out.println();
            Map<String, Map<Integer, LoadResult>> results = new LinkedHashMap<>();
            Map<Integer, String> loads = new LinkedHashMap<>();
            for (int rate : rates) {
                loads.put(rate, loadAverage());
                for (Map.Entry<String, LoadTarget> target : targets.entrySet()) {
                    LoadResult result = new OpenLoopGenerator(target.getValue(), rate).run(
                            Duration.ofNanos((long) (warmupSeconds * 1e9)), Duration.ofNanos((long) (measureSeconds * 1e9)), drain(),
                            () -> { });
                    results.computeIfAbsent(target.getKey(), key -> new LinkedHashMap<>()).put(rate, result);
                    System.err.printf("%s at %d rps: p50 %s p99 %s, %d failed%n", target.getKey(), rate, quantile(result.latency(), 50),
                            quantile(result.latency(), 99), result.failed());
                    sleep(1_000);
                }
            }
            print(results, loads);
            closedLoop(targets);
            return 0;
        } finally {
            factory.close();
        }
    }

    private void print(Map<String, Map<Integer, LoadResult>> results, Map<Integer, String> loads) {
        for (Map.Entry<String, Map<Integer, LoadResult>> target : results.entrySet()) {
            out.printf("#### %s, fixed rate, open loop%n%n", target.getKey());
            MarkdownTable table = new MarkdownTable("target rps", "achieved rps", "p50", "p90", "p99", "p99.9", "max", "errors",
                    "load avg before");
            for (Map.Entry<Integer, LoadResult> run : target.getValue().entrySet()) {
                LoadResult result = run.getValue();
                Histogram latency = result.latency();
                table.add(MarkdownTable.count(run.getKey()), MarkdownTable.count(result.achievedPerSecond()), quantile(latency, 50),
                        quantile(latency, 90), quantile(latency, 99), quantile(latency, 99.9),
                        latency.getTotalCount() == 0 ? "–" : MarkdownTable.millisFromMicros(latency.getMaxValue()),
                        result.failed() == 0 ? "0" : result.failed() + " " + result.errorKinds(), loads.get(run.getKey()));
            }
            out.print(table.render());
            out.println();
        }
        Map<Integer, LoadResult> fastapi = results.get("FastAPI");
        out.println("#### Side by side (ms; latency from each request's due time)");
        out.println();
        List<String> header = new ArrayList<>(List.of("rate"));
        if (floorP50 != null) {
            header.add("floor p50 / p99");
        }
        for (String target : results.keySet()) {
            header.add(target + " p50 / p99");
        }
        for (String target : results.keySet()) {
            if (!target.equals("FastAPI") && floorP50 != null) {
                header.add(target + " p50 − floor");
            }
        }
        for (String target : results.keySet()) {
            if (!target.equals("FastAPI") && fastapi != null) {
                header.add(target + " p99 ÷ FastAPI p99");
            }
        }
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        List<String> verdicts = new ArrayList<>();
        for (int rate : rates) {
            List<String> cells = new ArrayList<>(List.of(MarkdownTable.count(rate)));
            if (floorP50 != null) {
                cells.add(MarkdownTable.millis(floorP50) + " / " + (floorP99 == null ? "–" : MarkdownTable.millis(floorP99)));
            }
            for (Map<Integer, LoadResult> target : results.values()) {
                Histogram latency = target.get(rate).latency();
                cells.add(quantile(latency, 50) + " / " + quantile(latency, 99));
            }
            for (Map.Entry<String, Map<Integer, LoadResult>> target : results.entrySet()) {
                if (!target.getKey().equals("FastAPI") && floorP50 != null) {
                    double over = millis(target.getValue().get(rate).latency(), 50) - floorP50;
                    cells.add(String.format(Locale.ROOT, "%+.3f ms", over));
                    verdicts.add(String.format(Locale.ROOT, "%s at %,d rps: p50 − floor %+.3f ms against ≤ %.1f ms: %s", target.getKey(),
                            rate, over, TARGET_P50_OVER_FLOOR_MILLIS, over <= TARGET_P50_OVER_FLOOR_MILLIS ? "met" : "missed"));
                }
            }
            for (Map.Entry<String, Map<Integer, LoadResult>> target : results.entrySet()) {
                if (!target.getKey().equals("FastAPI") && fastapi != null) {
                    double ratio = millis(target.getValue().get(rate).latency(), 99) / millis(fastapi.get(rate).latency(), 99);
                    cells.add(String.format(Locale.ROOT, "%.2f", ratio));
                    verdicts.add(String.format(Locale.ROOT, "%s at %,d rps: p99 ÷ FastAPI p99 %.2f against ≤ %.1f: %s%s", target.getKey(),
                            rate, ratio, TARGET_P99_RATIO, ratio <= TARGET_P99_RATIO ? "met" : "missed",
                            fastapi.get(rate).failed() > 0 ? " (FastAPI had " + fastapi.get(rate).failed() + " errors)" : ""));
                }
            }
            table.add(cells.toArray(String[]::new));
        }
        out.print(table.render());
        out.println();
        verdicts.forEach(verdict -> out.println("- " + verdict));
        out.println();
    }

    private void closedLoop(Map<String, LoadTarget> targets) {
        List<Integer> levels = concurrencies.stream().filter(level -> level > 0).toList();
        if (levels.isEmpty()) {
            return;
        }
        MarkdownTable table = new MarkdownTable("target", "in flight", "throughput rps", "p50", "p90", "p99", "p99.9", "errors",
                "load avg before");
        for (int level : levels) {
            for (Map.Entry<String, LoadTarget> target : targets.entrySet()) {
                String load = loadAverage();
                LoadResult result = new ClosedLoopGenerator(target.getValue(), level).run(
                        Duration.ofNanos((long) (warmupSeconds * 1e9)), Duration.ofNanos((long) (measureSeconds * 1e9)), drain(),
                        () -> { });
                Histogram latency = result.latency();
                table.add(target.getKey(), Integer.toString(level), MarkdownTable.count(result.achievedPerSecond()),
                        quantile(latency, 50), quantile(latency, 90), quantile(latency, 99), quantile(latency, 99.9),
                        result.failed() == 0 ? "0" : result.failed() + " " + result.errorKinds(), load);
                System.err.printf("%s, %d in flight: %.0f rps, p50 %s%n", target.getKey(), level, result.achievedPerSecond(),
                        quantile(latency, 50));
                sleep(1_000);
            }
        }
        out.println("#### Closed loop: N requests in flight, each sent when the one before it is answered (latency from the send)");
        out.println();
        out.print(table.render());
        out.println();
    }

    // ---- targets

    private LoadTarget restTarget(ClientFactory factory, List<Map<String, Double>> rows) {
        List<byte[]> bodies = new ArrayList<>();
        for (Map<String, Double> row : rows) {
            ObjectNode body = JSON.createObjectNode();
            body.putArray("rows").add(JSON.valueToTree(row));
            bodies.add(bytes(body));
        }
        return new HttpLoadTarget("Carrara REST /api/v1 predict", web(factory, url, true), "/api/v1/deployments/" + deployment + "/predict",
                bodies, answer -> answer.path("predictions").path(0).path(output).isNumber());
    }

    private LoadTarget fastapiTarget(ClientFactory factory, List<Map<String, Double>> rows, List<String> columns) {
        List<byte[]> bodies = new ArrayList<>();
        for (Map<String, Double> row : rows) {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode split = body.putObject("dataframe_split");
            ArrayNode names = split.putArray("columns");
            columns.forEach(names::add);
            ArrayNode values = split.putArray("data").addArray();
            columns.forEach(column -> values.add(row.get(column)));
            bodies.add(bytes(body));
        }
        return new HttpLoadTarget("FastAPI /invocations", web(factory, fastapiUrl, false), "/invocations", bodies,
                answer -> answer.path("predictions").path(0).path(output).isNumber());
    }

    private LoadTarget grpcTarget(ClientFactory factory, List<Map<String, Double>> rows, List<String> columns) {
        List<ModelInferRequest> requests = new ArrayList<>();
        for (Map<String, Double> row : rows) {
            ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(deployment);
            for (String column : columns) {
                request.addInputs(InferInputTensor.newBuilder().setName(column).setDatatype("FP64").addShape(1)
                        .setContents(InferTensorContents.newBuilder().addFp64Contents(row.get(column))));
            }
            requests.add(request.build());
        }
        GRPCInferenceServiceStub stub = authorized(GrpcClients.builder("h2c://" + url.getHost() + ":" + url.getPort()))
                .factory(factory)
                .responseTimeout(Duration.ofMillis(timeoutMillis))
                .decorator(ConcurrencyLimitingClient.newDecorator(limit()))
                .build(GRPCInferenceServiceStub.class);
        return new GrpcLoadTarget("Carrara gRPC ModelInfer", output, stub, requests);
    }

    /** Carrara's API token on every call, when there is one. */
    private <B extends com.linecorp.armeria.client.AbstractClientOptionsBuilder> B authorized(B builder) {
        if (token != null && !token.isBlank()) {
            builder.addHeader(com.linecorp.armeria.common.HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        }
        return builder;
    }

    private WebClient web(ClientFactory factory, URI base, boolean carrara) {
        com.linecorp.armeria.client.WebClientBuilder builder = WebClient.builder("h1c://" + base.getHost() + ":" + base.getPort());
        return (carrara ? authorized(builder) : builder).factory(factory)
                .responseTimeout(Duration.ofMillis(timeoutMillis))
                .decorator(ConcurrencyLimitingClient.newDecorator(limit()))
                .build();
    }

    private ConcurrencyLimit limit() {
        return ConcurrencyLimit.builder(maxInFlight).timeoutMillis(timeoutMillis).build();
    }

    // ---- helpers

    static List<Map<String, Double>> readRows(Path file) throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            Map<String, Double> row = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isNumber()) {
                    throw new IllegalArgumentException(file + ": " + field.getKey() + " is not a number: " + line);
                }
                row.put(field.getKey(), field.getValue().doubleValue());
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no rows");
        }
        return rows;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Duration drain() {
        return Duration.ofMillis(timeoutMillis + 2_000);
    }

    private static double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1_000.0;
    }
}
