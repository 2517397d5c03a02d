package io.carrara.bench.pipeline;

import io.carrara.spi.io.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The two pipelines the benchmarks score, fitted by Spark on {@link Trips} and saved with
 * {@code PipelineModel.save()}. Fitting takes a minute or two (100 trees), so the saved models are
 * kept under {@code carrara-bench/target/pipeline-models/} (or {@code -Dcarrara.bench.models=DIR})
 * and reused by later forks and runs; change {@link #VERSION} when the data or the pipelines change.
 */
public enum TripsModels {
    /** StringIndexer (3 columns, keep) + OneHotEncoder + VectorAssembler + StandardScaler + LogisticRegression. */
    LOGISTIC_REGRESSION("trips-logistic-regression"),
    /** The same features + GBTClassifier, 100 trees of depth 5. */
    GRADIENT_BOOSTED_TREES("trips-gradient-boosted-trees");

    static final String VERSION = "v1";
    static final int TRAINING_ROWS = 20_000;
    private static final long TRAINING_SEED = 17L;

    private final String directoryName;

    TripsModels(String directoryName) {
        this.directoryName = directoryName;
    }

    /** The saved model's directory, fitting and saving every model first if they are not there yet. */
    public Path directory() {
        Path root = root();
        if (!Files.isDirectory(root)) {
            fitAndSave(root);
        }
        return root.resolve(directoryName);
    }

    /** Whether {@link #directory()} will need Spark to fit the models. */
    static boolean saved() {
        return Files.isDirectory(root());
    }

    private static Path root() {
        String configured = System.getProperty("carrara.bench.models");
        Path base = configured != null ? Path.of(configured) : defaultBase();
        return base.resolve("spark-" + org.apache.spark.package$.MODULE$.SPARK_VERSION() + "-" + VERSION);
    }

    /** {@code target/pipeline-models} beside the benchmark jar (or the classes directory when run from an IDE). */
    private static Path defaultBase() {
        try {
            Path location = Path.of(TripsModels.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.getParent().resolve("pipeline-models");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the benchmark jar; set -Dcarrara.bench.models=DIR", e);
        }
    }

    /** Fits both pipelines in a temporary directory beside {@code root} and moves it into place, so a killed fit leaves nothing half-written. */
    private static synchronized void fitAndSave(Path root) {
        if (Files.isDirectory(root)) {
            return;
        }
        try {
            Files.createDirectories(root.getParent());
            Path staging = Files.createTempDirectory(root.getParent(), root.getFileName() + ".fitting-");
            SparkSession spark = LocalSpark.session();
            List<Row> rows = Trips.trainingRows(TRAINING_ROWS, TRAINING_SEED).stream().map(Trips.Trip::trainingRow).toList();
            Dataset<Row> training = spark.createDataFrame(rows, Trips.TRAINING_SCHEMA).cache();
            long started = System.nanoTime();
            pipeline(new LogisticRegression().setMaxIter(50).setRegParam(0.01))
                    .fit(training).write().save(staging.resolve(LOGISTIC_REGRESSION.directoryName).toString());
            pipeline(new GBTClassifier().setMaxIter(100).setMaxDepth(5).setSeed(5))
                    .fit(training).write().save(staging.resolve(GRADIENT_BOOSTED_TREES.directoryName).toString());
            training.unpersist();
            System.out.printf("fitted and saved the trips pipelines to %s in %.1f s%n", root, (System.nanoTime() - started) / 1e9);
            try {
                Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                deleteRecursively(staging);
                if (!Files.isDirectory(root)) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the benchmark models under " + root.getParent(), e);
        }
    }

    private static Pipeline pipeline(PipelineStage model) {
        return new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCols(new String[] {"city", "vendor", "payment"})
                    .setOutputCols(new String[] {"city_index", "vendor_index", "payment_index"}).setHandleInvalid("keep"),
            new OneHotEncoder().setInputCols(new String[] {"city_index", "vendor_index", "payment_index"})
                    .setOutputCols(new String[] {"city_vector", "vendor_vector", "payment_vector"}),
            new VectorAssembler().setInputCols(new String[] {"city_vector", "vendor_vector", "payment_vector", "distance",
                "duration", "passengers", "airport"}).setOutputCol("raw_features"),
            // Spark's defaults: scale without centering, so the one-hot features stay sparse.
            new StandardScaler().setInputCol("raw_features").setOutputCol("features"),
            model});
    }

    private static void deleteRecursively(Path directory) throws IOException {
        FileTrees.delete(directory);
    }
}
