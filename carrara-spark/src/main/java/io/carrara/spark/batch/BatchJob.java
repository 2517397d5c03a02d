package io.carrara.spark.batch;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.spark.table.TableName;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.io.FileTrees;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch prediction as a Spark application, for {@code spark-submit} of the job jar:
 * <pre>
 * spark-submit --master yarn --class io.carrara.spark.batch.BatchJob carrara-spark-VERSION-job.jar \
 *   --query "SELECT * FROM ml.trips WHERE ds = '2026-11-01'" --output ml.trip_predictions \
 *   --execution-date 2026-11-01 --model-name rides/eta --instance 0f8c… --model-zip eta.zip
 * </pre>
 * Prints the result as one line of JSON on standard output and exits 0; exits 2 for bad
 * arguments and 1 when the job fails, with the reason on standard error. Without {@code --home}
 * or {@code --metastore-uri} the cluster's own Hive configuration is used.
 */
@Command(name = "carrara-batch-job", sortOptions = false, usageHelpAutoWidth = true,
        description = "Scores the rows of a Spark SQL query with a Spark pipeline and writes them to a table partition.")
public final class BatchJob implements Callable<Integer> {
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--query", required = true, paramLabel = "SQL", description = "A query whose columns include the model's inputs.")
    String query;

    @Option(names = "--output", required = true, paramLabel = "TABLE", description = "Output table, TABLE or DATABASE.TABLE.")
    String output;

    @Option(names = "--execution-date", required = true, paramLabel = "YYYY-MM-DD", description = "The partition to (over)write.")
    LocalDate executionDate;

    @Option(names = "--model-name", paramLabel = "PROJECT/MODEL",
            description = "Written on every row as model_name; with --carrara, the instance's model.")
    String modelName;

    @Option(names = "--instance", required = true, paramLabel = "UUID", description = "Written on every row as model_instance.")
    UUID instance;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ModelSource model;

    /** Where the model's Spark pipeline is: a directory, or a zip of one. */
    static final class ModelSource {
        @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "The extracted Spark pipeline directory.")
        Path directory;

        @Option(names = "--model-zip", required = true, paramLabel = "ZIP",
                description = "A zip of the pipeline directory, extracted on the driver.")
        Path zip;

        @Option(names = "--carrara", required = true, paramLabel = "URL",
                description = "A Carrara server (http://host:8080): the driver fetches the instance's pipeline from it, checks"
                        + " its SHA-256, and ships it to the executors with the tasks.")
        URI server;
    }

    @Option(names = "--columns", split = ",", paramLabel = "COLUMN", description = "Keep only these pipeline-added columns.")
    List<String> columns = new ArrayList<>();

    @Option(names = "--home", paramLabel = "DIR", description = "Carrara home: embedded metastore and warehouse under DIR/spark.")
    Path home;

    @Option(names = "--metastore-uri", paramLabel = "URI", description = "External Hive metastore, e.g. thrift://host:9083.")
    String metastoreUri;

    @Option(names = "--warehouse", paramLabel = "DIR_OR_URI", description = "Warehouse location, overriding the home's.")
    String warehouse;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master; default: spark-submit's, else local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting; repeatable.")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    private PrintStream out;
    private PrintStream err;
    /** Whether the arguments were all valid and the job began: errors from then on are the job's, not the caller's. */
    private boolean started;

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        SparkSession.getDefaultSession().foreach(session -> {
            session.stop();
            return null;
        });
        System.exit(code);
    }

    /** Runs the job in this JVM (reusing its Spark session, if one runs) and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        BatchJob job = new BatchJob();
        job.out = out;
        job.err = err;
        CommandLine command = new CommandLine(job)
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        command.setParameterExceptionHandler((exception, arguments) -> {
            err.println("carrara-batch-job: " + exception.getMessage());
            err.println("Usage: run with --help for the options");
            return USAGE;
        });
        command.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof CarraraException carrara) {
                err.println("carrara-batch-job: error: " + carrara.getMessage()
                        + carrara.field().map(field -> " [" + field + "]").orElse(""));
                // Before Spark starts, a CarraraException can only be about the arguments.
                return job.started ? FAILED : USAGE;
            }
            err.println("carrara-batch-job: error: the job failed: " + exception);
            exception.printStackTrace(err);
            return FAILED;
        });
        return command.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        TableName outputTable = TableName.parse(output, "output");
        if (model.server == null && modelName == null) {
            throw new CarraraException(INVALID_ARGUMENT, "--model-name is required with --model-dir and --model-zip (the"
                    + " model written on every row); with --carrara the instance names it", "model-name");
        }
        if (model.directory != null && !Files.isDirectory(model.directory)) {
            throw new CarraraException(INVALID_ARGUMENT, "--model-dir " + model.directory + " is not a directory; give the"
                    + " extracted Spark pipeline's directory, or its zip with --model-zip", "model-dir");
        }
        Path modelDirectory;
        ModelRef modelRef;
        if (model.server != null) {
            RegistryModel fetched = RegistryModel.fetch(model.server, instance);
            modelDirectory = fetched.directory();
            modelRef = ModelRef.parse(fetched.model(), "instance");
            if (modelName != null && !ModelRef.parse(modelName, "model-name").equals(modelRef)) {
                deleteRecursively(modelDirectory.getParent());
                throw new CarraraException(INVALID_ARGUMENT, "--model-name " + modelName + " is not instance " + instance
                        + "'s model (" + modelRef + "); leave it out with --carrara", "model-name");
            }
        } else {
            modelRef = ModelRef.parse(modelName, "model-name");
            modelDirectory = model.directory != null ? model.directory : extract(model.zip);
        }
        try {
            if (Files.isRegularFile(modelDirectory.resolve("carrara.yaml"))) {
                // Python models need their environment built on every executor and the carrara-python runtime
                // (Arrow) in the jar; the server runs them on its own Spark.
                throw new CarraraException(INVALID_ARGUMENT, "the model is a Python model home (it has carrara.yaml); this job"
                        + " jar scores Spark pipelines only: run it on the Carrara server (carrara batch predict)"
                        + " instead", model.server != null ? "instance" : model.directory != null ? "model-dir" : "model-zip");
            }
            BatchRequest request = new BatchRequest(query, outputTable, executionDate, modelRef, instance, modelDirectory, columns);
            started = true;
            SparkSession spark = CarraraSpark.session(settings());
            BatchResult result = BatchPrediction.runOperatorQuery(spark, request);
            out.println(summary(result));
            return 0;
        } finally {
            if (model.directory == null) {
                deleteRecursively(modelDirectory.getParent());
            }
        }
    }

    /** Removes the zip's extraction; the job reads the model's files into its tasks before running, so they are no longer needed. */
    private static void deleteRecursively(Path directory) throws IOException {
        FileTrees.delete(directory);
    }

    private SparkSettings settings() {
        SparkSettings settings = SparkSettings.cluster().withAppName("carrara batch " + output + " " + executionDate);
        if (home != null) {
            settings = settings.withHome(home);
        }
        if (metastoreUri != null) {
            settings = settings.withMetastoreUri(metastoreUri);
        }
        if (warehouse != null) {
            settings = settings.withWarehouse(warehouse);
        }
        if (master != null) {
            settings = settings.withMaster(master);
        }
        for (Map.Entry<String, String> entry : config.entrySet()) {
            settings = settings.withConfig(entry.getKey(), entry.getValue());
        }
        return settings;
    }

    private static Path extract(Path zip) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "--model-zip " + zip + " is not a file", "model-zip");
        }
        Path target = Files.createTempDirectory("carrara-batch-model").resolve("model");
        try (InputStream in = Files.newInputStream(zip)) {
            ModelArchive.extract(in, target);
        }
        return target;
    }

    static String summary(BatchResult result) {
        try {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("status", "succeeded");
            line.putAll(result.summary());
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
