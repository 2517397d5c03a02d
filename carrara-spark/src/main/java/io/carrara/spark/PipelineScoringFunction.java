package io.carrara.spark;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.SparkPipeline;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a partition with carrara-pipeline's compiled scorer, the same code the online server
 * runs. The pipeline is loaded and compiled once per partition, then every row goes through one
 * reused frame; rows a {@code skip} stage drops are omitted, and a row error fails the task, as
 * Spark's own {@code transform} would (the batch job's scorer records both instead). The model's
 * files travel with the function, so executors need no access to the driver's directory.
 */
public final class PipelineScoringFunction implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ShippedModel model;
    private final StructType inputSchema;

    /** Reads the model's files now; load and compile happen once per partition, and in {@link #compile()}. */
    public PipelineScoringFunction(Path modelDirectory, StructType inputSchema) {
        this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
        SparkPipeline.load(requireNonNull(modelDirectory, "modelDirectory is null"));
        this.model = ShippedModel.read(modelDirectory);
    }

    /** Loads and binds the pipeline; call on the driver to fail fast and to learn the output schema. */
    public CompiledPipeline compile() {
        return SparkPipeline.load(model.directory()).compile(SparkSchemas.toSchema(inputSchema));
    }

    /** The input columns followed by every column the pipeline adds, less any a stage drops (as RFormula's pruner does). */
    public StructType outputSchema() {
        CompiledPipeline pipeline = compile();
        StructType output = new StructType();
        for (Field field : pipeline.outputSchema().fields()) {
            int slot = pipeline.slot(field.name());
            output = output.add(slot < inputSchema.fields().length ? inputSchema.fields()[slot] : SparkSchemas.toStructField(field));
        }
        return output;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        PartitionScorer scorer = new PartitionScorer(compile(), inputSchema);
        CompiledPipeline pipeline = scorer.pipeline();
        List<Field> outputs = pipeline.outputSchema().fields();
        int inputCount = inputSchema.fields().length;
        int[] outputSlots = outputs.stream().mapToInt(field -> pipeline.slot(field.name())).toArray();
        return new Iterator<>() {
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    next = score(rows.next());
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row row = next;
                next = null;
                return row;
            }

            private Row score(Row row) {
                if (!scorer.score(row)) {
                    return null;
                }
                List<Object> values = new ArrayList<>(outputSlots.length);
                for (int k = 0; k < outputSlots.length; k++) {
                    int slot = outputSlots[k];
                    values.add(slot < inputCount ? row.get(slot) : SparkSchemas.toSparkValue(scorer.output(slot, outputs.get(k))));
                }
                return RowFactory.create(values.toArray());
            }
        };
    }
}
