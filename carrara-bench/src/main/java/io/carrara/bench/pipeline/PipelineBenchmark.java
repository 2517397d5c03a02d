package io.carrara.bench.pipeline;

import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.Scorer;
import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Frame;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scores one row at a time with a saved Spark pipeline, single-threaded: our runtime through the
 * typed API ({@link CompiledPipeline} and a reused {@link Frame}) and through the {@link Scorer}
 * map API, against Spark's own {@code PipelineModel.transform} on a one-row DataFrame built per
 * call from a {@link Row} and the schema, as a Spark-based serving system would, collecting the
 * prediction. Each call takes the next row of a pool of 1,024 pre-generated trips (long-tailed
 * cities, some unseen or null), so caches and branch predictors see varied input. Before measuring,
 * the Spark state checks that both runtimes predict the same labels for the whole pool.
 *
 * <p>Run through {@link PipelineReport} for the figures in docs/benchmarks.md, or directly:
 * {@code java -jar carrara-bench/target/carrara-bench.jar PipelineBenchmark -bm sample -tu us -prof gc}.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
// The --add-opens flags spark-submit passes (Spark's JavaModuleOptions), as in carrara-spark's surefire argLine.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
    "-Djdk.reflect.useDirectMethodHandle=false"})
public class PipelineBenchmark {
    static final int POOL_SIZE = 1024;
    private static final long POOL_SEED = 29L;

    /** Our runtime, typed: the pool held column by column, set into one reused frame per call. */
    @State(Scope.Thread)
    public static class Typed {
        CompiledPipeline pipeline;
        Frame frame;
        int idSlot;
        int citySlot;
        int vendorSlot;
        int paymentSlot;
        int distanceSlot;
        int durationSlot;
        int passengersSlot;
        int airportSlot;
        int predictionSlot;
        int probabilitySlot;
        String[] ids = new String[POOL_SIZE];
        String[] cities = new String[POOL_SIZE];
        String[] vendors = new String[POOL_SIZE];
        String[] payments = new String[POOL_SIZE];
        double[] distances = new double[POOL_SIZE];
        double[] durations = new double[POOL_SIZE];
        double[] passengers = new double[POOL_SIZE];
        double[] airports = new double[POOL_SIZE];
        int next;

        @Setup
        public void setUp(ModelState model) {
            pipeline = SparkPipeline.load(model.directory).compile(Trips.SCORING_INPUT);
            frame = pipeline.newFrame();
            idSlot = pipeline.slot("id");
            citySlot = pipeline.slot("city");
            vendorSlot = pipeline.slot("vendor");
            paymentSlot = pipeline.slot("payment");
            distanceSlot = pipeline.slot("distance");
            durationSlot = pipeline.slot("duration");
            passengersSlot = pipeline.slot("passengers");
            airportSlot = pipeline.slot("airport");
            predictionSlot = pipeline.slot("prediction");
            probabilitySlot = pipeline.slot("probability");
            List<Trips.Trip> pool = Trips.scoringRows(POOL_SIZE, POOL_SEED);
            for (int i = 0; i < POOL_SIZE; i++) {
                Trips.Trip trip = pool.get(i);
                ids[i] = trip.id();
                cities[i] = trip.city();
                vendors[i] = trip.vendor();
                payments[i] = trip.payment();
                distances[i] = trip.distance();
                durations[i] = trip.duration();
                passengers[i] = trip.passengers();
                airports[i] = trip.airport();
            }
        }

        int next() {
            int row = next;
            next = (row + 1) & (POOL_SIZE - 1);
            return row;
        }
    }

    /** Our runtime through the {@link Scorer} map API, with the pool as the maps a JSON request would decode to. */
    @State(Scope.Thread)
    public static class Maps {
        Scorer scorer;
        Map<String, Object>[] rows;
        int next;

        @Setup
        @SuppressWarnings("unchecked")
        public void setUp(ModelState model) {
            scorer = Scorer.load(model.directory, Trips.SCORING_INPUT);
            rows = Trips.scoringRows(POOL_SIZE, POOL_SEED).stream().map(Trips.Trip::asMap).toArray(Map[]::new);
        }

        int next() {
            int row = next;
            next = (row + 1) & (POOL_SIZE - 1);
            return row;
        }
    }

    /** Spark's {@code PipelineModel} in a {@code local[1]} session, with the pool as Spark rows. */
    @State(Scope.Thread)
    public static class Spark {
        SparkSession spark;
        PipelineModel model;
        Row[] rows;
        int next;

        @Setup
        public void setUp(ModelState state) {
            spark = LocalSpark.session();
            model = PipelineModel.load(state.directory.toString());
            List<Trips.Trip> pool = Trips.scoringRows(POOL_SIZE, POOL_SEED);
            rows = pool.stream().map(Trips.Trip::scoringRow).toArray(Row[]::new);
            checkSamePredictions(state, pool);
        }

        /** Both runtimes must give the same prediction for every row of the pool, or the comparison means nothing. */
        private void checkSamePredictions(ModelState state, List<Trips.Trip> pool) {
            List<Row> expected = model.transform(spark.createDataFrame(List.of(rows), Trips.SCORING_SCHEMA))
                    .select("id", "prediction").collectAsList();
            Scorer scorer = Scorer.load(state.directory, Trips.SCORING_INPUT);
            for (int i = 0; i < pool.size(); i++) {
                double ours = (Double) scorer.score(pool.get(i).asMap()).orElseThrow().get("prediction");
                double theirs = expected.get(i).getDouble(1);
                if (!expected.get(i).getString(0).equals(pool.get(i).id()) || ours != theirs) {
                    throw new IllegalStateException("row " + pool.get(i) + ": Spark predicts " + theirs + " but carrara-pipeline "
                            + ours + "; fix the runtime before benchmarking it");
                }
            }
        }

        @TearDown
        public void tearDown() {
            spark.stop();
        }

        int next() {
            int row = next;
            next = (row + 1) & (POOL_SIZE - 1);
            return row;
        }
    }

    @Benchmark
    public void carraraTyped(Typed state, Blackhole blackhole) {
        int row = state.next();
        Frame frame = state.frame;
        frame.clear();
        frame.setObject(state.idSlot, state.ids[row]);
        frame.setObject(state.citySlot, state.cities[row]);
        frame.setObject(state.vendorSlot, state.vendors[row]);
        frame.setObject(state.paymentSlot, state.payments[row]);
        frame.setDouble(state.distanceSlot, state.distances[row]);
        frame.setDouble(state.durationSlot, state.durations[row]);
        frame.setDouble(state.passengersSlot, state.passengers[row]);
        frame.setDouble(state.airportSlot, state.airports[row]);
        if (!state.pipeline.score(frame)) {
            throw new IllegalStateException("the pipeline skipped row " + row + "; no stage of the benchmark pipelines skips rows");
        }
        blackhole.consume(frame.getDouble(state.predictionSlot));
        blackhole.consume((Vector) frame.getObject(state.probabilitySlot));
    }

    @Benchmark
    public void carraraMap(Maps state, Blackhole blackhole) {
        Map<String, Object> scored = state.scorer.score(state.rows[state.next()]).orElseThrow();
        blackhole.consume(scored.get("prediction"));
        blackhole.consume(scored.get("probability"));
    }

    /** Spark plans, optimizes and runs every call, so it needs longer warm-up than ours to reach its steady state. */
    @Benchmark
    @Warmup(iterations = 5, time = 5)
    @Measurement(iterations = 5, time = 5)
    public void sparkTransform(Spark state, Blackhole blackhole) {
        Dataset<Row> input = state.spark.createDataFrame(List.of(state.rows[state.next()]), Trips.SCORING_SCHEMA);
        List<Row> scored = state.model.transform(input).select("prediction").collectAsList();
        blackhole.consume(scored.get(0).getDouble(0));
    }
}
