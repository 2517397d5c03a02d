package io.carrara.server.oip;

import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.RowResult;
import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.schema.DataType;
import io.carrara.pipeline.schema.Field;
import io.carrara.pipeline.schema.Schema;
import io.carrara.serving.predict.InferenceBackend;
import io.carrara.serving.predict.ModelStatus;
import io.carrara.serving.predict.PredictionRequest;
import io.carrara.serving.predict.PredictionResult;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * A test-only {@link InferenceBackend} that scores for real: each model is a golden Spark pipeline
 * written by Spark 4.1 (carrara-pipeline's test resources), loaded and compiled with
 * carrara-pipeline. A model whose load fails stays listed, not ready, with the load error as the
 * reason. The serving engine replaces this in the server; here it lets the protocol layer be
 * tested against real pipeline outputs.
 */
final class GoldenPipelineBackend implements InferenceBackend {
    static final Path GOLDEN = locateGolden();

    // Tests deploy and undeploy while the server's threads read.
    private final Map<String, Model> models = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    private record Model(UUID instance, Optional<CompiledPipeline> pipeline, Schema input, Optional<String> failure) {}

    /** Serves {@code name} from golden case {@code golden}; {@code undeclareVectorSizes} drops input vector sizes. */
    GoldenPipelineBackend serve(String name, String golden, UUID instance, boolean undeclareVectorSizes) {
        Path directory = GOLDEN.resolve(golden);
        Schema schema = undeclareVectorSizes ? undeclared(inputSchema(directory)) : inputSchema(directory);
        try {
            CompiledPipeline pipeline = SparkPipeline.load(directory.resolve("model")).compile(schema);
            models.put(name, new Model(instance, Optional.of(pipeline), schema, Optional.empty()));
        } catch (CarraraException e) {
            models.put(name, new Model(instance, Optional.empty(), schema, Optional.of(e.getMessage())));
        }
        return this;
    }

    /** Serves a model whose directory does not exist, so its load fails as a corrupt artifact's would. */
    GoldenPipelineBackend serveMissing(String name, UUID instance) {
        Path directory = GOLDEN.resolve("no-such-model");
        try {
            SparkPipeline.load(directory);
            throw new IllegalStateException(directory + " exists");
        } catch (CarraraException e) {
            models.put(name, new Model(instance, Optional.empty(), new Schema(List.of()), Optional.of(e.getMessage())));
        }
        return this;
    }

    void remove(String name) {
        models.remove(name);
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public boolean ready() {
        synchronized (models) {
            return models.values().stream().allMatch(model -> model.pipeline().isPresent());
        }
    }

    @Override
    public List<String> models() {
        synchronized (models) {
            return List.copyOf(models.keySet());
        }
    }

    @Override
    public ModelStatus status(String name) {
        Model model = model(name);
        return new ModelStatus(name, List.of(model.instance()), "spark-pipeline", model.pipeline().isPresent(),
                model.failure(), model.input().fields(),
                model.pipeline().map(CompiledPipeline::addedFields).orElse(List.of()));
    }

    @Override
    public PredictionResult predict(String name, PredictionRequest request) {
        Model model = model(name);
        CompiledPipeline pipeline = model.pipeline().orElseThrow(() -> new CarraraException(
                io.carrara.spi.error.StandardErrorCode.UNAVAILABLE, "model " + name + " failed to load"));
        UUID instance = request.instance().orElse(model.instance());
        List<PredictionResult.Row> rows = new ArrayList<>();
        for (RowResult result : pipeline.scoreAll(request.rows())) {
            rows.add(switch (result.status()) {
                case SCORED -> new PredictionResult.Row(PredictionResult.Status.SCORED, instance, result.row(),
                        pipeline.addedFields(), Optional.empty(), Optional.empty(), Optional.empty());
                case SKIPPED -> new PredictionResult.Row(PredictionResult.Status.SKIPPED, instance, Optional.empty(),
                        List.of(), Optional.empty(), Optional.empty(), Optional.empty());
                case FAILED -> {
                    RowException error = result.error().orElseThrow();
                    yield new PredictionResult.Row(PredictionResult.Status.FAILED, instance, Optional.empty(), List.of(),
                            Optional.empty(), Optional.of(error.getMessage()), Optional.of(error.column()));
                }
            });
        }
        return new PredictionResult(rows);
    }

    private Model model(String name) {
        Model model = models.get(name);
        if (model == null) {
            throw new CarraraException(NOT_FOUND, "no deployment named " + name + "; deployments: " + models.keySet(), "name");
        }
        return model;
    }

    static Schema inputSchema(Path golden) {
        try {
            List<Field> fields = new ArrayList<>();
            for (JsonNode field : new ObjectMapper().readTree(golden.resolve("input-schema.json").toFile())) {
                OptionalInt size = field.has("vectorSize") ? OptionalInt.of(field.get("vectorSize").asInt()) : OptionalInt.empty();
                fields.add(new Field(field.get("name").asText(), DataType.valueOf(field.get("type").asText()), size));
            }
            return new Schema(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema undeclared(Schema schema) {
        return new Schema(schema.fields().stream().map(field -> new Field(field.name(), field.type())).toList());
    }

    private static Path locateGolden() {
        // Surefire runs in the module directory; the golden models live in carrara-pipeline's test resources.
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return module.resolveSibling("carrara-pipeline").resolve("src/test/resources/golden/spark-4.1.0").toAbsolutePath();
    }
}
