package io.carrara.bench.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the pipeline benchmarks the way docs/benchmarks.md reports them and prints the tables:
 * {@link PipelineBenchmark} in sample mode (p50, p99, in µs) and in throughput mode (ops/s), then
 * {@link PipelineLoadBenchmark} (ms), all with JMH's GC profiler for bytes allocated per operation.
 * Takes JMH's own options for forks, iterations and times ({@code -f 1 -wi 3 -i 5 -w 2s -r 3s});
 * the modes, time units and profiler are fixed here.
 *
 * <pre>
 * java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.pipeline.PipelineReport -f 1 -wi 3 -i 5
 * </pre>
 */
public final class PipelineReport {
    private static final String TYPED = "carraraTyped";
    private static final String MAP = "carraraMap";
    private static final String SPARK = "sparkTransform";
    private static final String NORM = "gc.alloc.rate.norm";

    private PipelineReport() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions options = new CommandLineOptions(args);
        String scoring = "^" + PipelineBenchmark.class.getName().replace(".", "\\.") + "\\.";
        String loading = "^" + PipelineLoadBenchmark.class.getName().replace(".", "\\.") + "\\.";
        Collection<RunResult> samples = run(options, scoring, org.openjdk.jmh.annotations.Mode.SampleTime, TimeUnit.MICROSECONDS);
        Collection<RunResult> throughputs = run(options, scoring, org.openjdk.jmh.annotations.Mode.Throughput, TimeUnit.SECONDS);
        Collection<RunResult> loads = run(options, loading, org.openjdk.jmh.annotations.Mode.AverageTime, TimeUnit.MILLISECONDS);

        Map<String, Map<String, RunResult>> sampleBy = byModelAndMethod(samples);
        Map<String, Map<String, RunResult>> throughputBy = byModelAndMethod(throughputs);
        StringBuilder out = new StringBuilder();
        out.append("\n| pipeline | runtime | p50 | p99 | p99.9 | throughput | allocated |\n")
                .append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        List<String> ratios = new ArrayList<>();
        for (String model : sampleBy.keySet()) {
            for (String method : List.of(TYPED, MAP, SPARK)) {
                RunResult sample = sampleBy.get(model).get(method);
                RunResult throughput = throughputBy.getOrDefault(model, Map.of()).get(method);
                if (sample == null) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", model, label(method),
                        micros(percentile(sample, 50)), micros(percentile(sample, 99)), micros(percentile(sample, 99.9)),
                        throughput == null ? "-" : String.format(Locale.ROOT, "%,.0f ops/s", throughput.getPrimaryResult().getScore()),
                        bytes(sample)));
            }
            RunResult spark = sampleBy.get(model).get(SPARK);
            for (String ours : List.of(TYPED, MAP)) {
                RunResult sample = sampleBy.get(model).get(ours);
                if (spark == null || sample == null) {
                    continue;
                }
                RunResult oursThroughput = throughputBy.getOrDefault(model, Map.of()).get(ours);
                RunResult sparkThroughput = throughputBy.getOrDefault(model, Map.of()).get(SPARK);
                ratios.add(String.format(Locale.ROOT, "| %s | %s | %,.0f× | %,.0f× | %s |", model, label(ours),
                        percentile(spark, 50) / percentile(sample, 50), percentile(spark, 99) / percentile(sample, 99),
                        oursThroughput == null || sparkThroughput == null ? "-" : String.format(Locale.ROOT, "%,.0f×",
                                oursThroughput.getPrimaryResult().getScore() / sparkThroughput.getPrimaryResult().getScore())));
            }
        }
        out.append("\n| pipeline | ours | Spark p50 ÷ ours | Spark p99 ÷ ours | ours ÷ Spark throughput |\n")
                .append("| --- | --- | ---: | ---: | ---: |\n");
        ratios.forEach(line -> out.append(line).append('\n'));

        out.append("\n| pipeline | carrara load + compile | Spark PipelineModel.load | Spark ÷ ours | allocated (ours) |\n")
                .append("| --- | ---: | ---: | ---: | ---: |\n");
        Map<String, Map<String, RunResult>> loadBy = byModelAndMethod(loads);
        for (Map.Entry<String, Map<String, RunResult>> entry : loadBy.entrySet()) {
            RunResult ours = entry.getValue().get("carraraLoad");
            RunResult spark = entry.getValue().get("sparkLoad");
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", entry.getKey(),
                    ours == null ? "-" : millis(ours), spark == null ? "-" : millis(spark),
                    ours == null || spark == null ? "-" : String.format(Locale.ROOT, "%,.0f×",
                            spark.getPrimaryResult().getScore() / ours.getPrimaryResult().getScore()),
                    ours == null ? "-" : bytes(ours)));
        }
        System.out.println(out);
    }

    private static Collection<RunResult> run(CommandLineOptions parent, String include, org.openjdk.jmh.annotations.Mode mode,
                                             TimeUnit unit) throws RunnerException {
        ChainedOptionsBuilder builder = new OptionsBuilder().parent(parent).include(include).mode(mode).timeUnit(unit)
                .addProfiler(GCProfiler.class);
        return new Runner(builder.build()).run();
    }

    private static Map<String, Map<String, RunResult>> byModelAndMethod(Collection<RunResult> results) {
        Map<String, Map<String, RunResult>> byModel = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            String benchmark = params.getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            byModel.computeIfAbsent(params.getParam("model"), key -> new TreeMap<>()).put(method, result);
        }
        return byModel;
    }

    private static double percentile(RunResult result, double percentile) {
        return result.getPrimaryResult().getStatistics().getPercentile(percentile);
    }

    private static String label(String method) {
        return switch (method) {
            case TYPED -> "carrara, typed Frame";
            case MAP -> "carrara, Map Scorer";
            case SPARK -> "Spark transform";
            default -> method;
        };
    }

    private static String micros(double value) {
        return value >= 1000 ? String.format(Locale.ROOT, "%,.1f ms", value / 1000) : String.format(Locale.ROOT, "%.2f µs", value);
    }

    private static String millis(RunResult result) {
        Result<?> primary = result.getPrimaryResult();
        return String.format(Locale.ROOT, "%.2f ± %.2f ms", primary.getScore(), primary.getScoreError());
    }

    private static String bytes(RunResult result) {
        Result<?> norm = result.getSecondaryResults().get(NORM);
        return norm == null ? "-" : String.format(Locale.ROOT, "%,.0f B", norm.getScore());
    }
}
