package io.carrara.bench.pipeline;

import java.nio.file.Path;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Which saved pipeline a benchmark runs ({@code -p model=LOGISTIC_REGRESSION}), shared by the
 * other states of a fork. The first fork on a fresh checkout fits the models with Spark.
 */
@State(Scope.Benchmark)
public class ModelState {
    @Param({"LOGISTIC_REGRESSION", "GRADIENT_BOOSTED_TREES"})
    public TripsModels model;

    Path directory;

    @Setup
    public void locate() {
        boolean fitting = !TripsModels.saved();
        directory = model.directory();
        if (fitting) {
            // Fitting started a Spark session; a benchmark of our runtime must not share the JVM with
            // its threads. A Spark benchmark's own state starts a fresh one.
            LocalSpark.session().stop();
        }
    }
}
