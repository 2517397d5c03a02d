package io.carrara.bench.pipeline;

import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.SparkPipeline;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.PipelineModel;
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

/**
 * Warm model load time: our {@code SparkPipeline.load(dir).compile(schema)}, which leaves a
 * pipeline ready to score, against Spark's {@code PipelineModel.load(dir)} in a running
 * {@code local[1]} session (session start-up not counted). Both read the same directory, which
 * the warm-up iterations bring into the OS cache, so this measures parsing and building, not the disk.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 3)
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
public class PipelineLoadBenchmark {
    /** A running Spark session, as a Spark-based server would hold one. */
    @State(Scope.Benchmark)
    public static class Spark {
        SparkSession spark;

        @Setup
        public void setUp() {
            spark = LocalSpark.session();
        }

        @TearDown
        public void tearDown() {
            spark.stop();
        }
    }

    @Benchmark
    public CompiledPipeline carraraLoad(ModelState state) {
        return SparkPipeline.load(state.directory).compile(Trips.SCORING_INPUT);
    }

    @Benchmark
    public PipelineModel sparkLoad(ModelState state, Spark spark) {
        return PipelineModel.load(state.directory.toString());
    }
}
