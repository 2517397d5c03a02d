package io.carrara.spark.batch;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.Field;
import io.carrara.spark.PartitionScorer;
import io.carrara.spark.ShippedModel;
import io.carrara.spark.SparkErrorCode;
import io.carrara.spark.SparkSchemas;
import io.carrara.spi.error.CarraraException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The batch job's scorer: every input row comes out once, with its outcome. A scored row carries
 * the columns the pipeline adds (vectors as {@code array<double>}); a row a {@code skip} stage drops
 * or a stage rejects carries nulls there and the reason, so nothing is lost and nothing fails the
 * task. Output columns: the input's, the kept added columns, then {@link #STATUS}, {@link #ERROR}
 * and {@link #ERROR_COLUMN}. The pipeline is compiled once per partition, over the input columns
 * whose types Spark ML reads; the others only pass through.
 */
final class BatchScoringFunction implements BatchScorer {
    private static final long serialVersionUID = 1L;

    static final String STATUS = "status";
    static final String ERROR = "error";
    static final String ERROR_COLUMN = "error_column";
    static final String SCORED = "scored";
    static final String SKIPPED = "skipped";
    static final String FAILED = "failed";
    static final String SKIPPED_REASON = "a stage with handleInvalid=skip dropped the row (an invalid value such as null or NaN"
            + " in one of its inputs); set that stage's handleInvalid to keep or error to score or reject such rows";

    private final ShippedModel model;
    private final StructType inputSchema;
    private final StructType pipelineInputs;
    private final String[] added;
    private final StructType outputSchema;

    private BatchScoringFunction(ShippedModel model, StructType inputSchema, StructType pipelineInputs, String[] added,
            StructType outputSchema) {
        this.model = model;
        this.inputSchema = inputSchema;
        this.pipelineInputs = pipelineInputs;
        this.added = added;
        this.outputSchema = outputSchema;
    }

    /**
     * Loads and compiles the model on the driver against {@code inputSchema}, so that a model error
     * or a missing column fails here, before any task; {@code columns} narrows the added columns.
     */
    static BatchScoringFunction create(Path modelDirectory, StructType inputSchema, List<String> columns) {
        requireNonNull(modelDirectory, "modelDirectory is null");
        requireNonNull(inputSchema, "inputSchema is null");
        requireNonNull(columns, "columns is null");
        SparkPipeline pipeline = SparkPipeline.load(modelDirectory);
        StructType pipelineInputs = new StructType();
        List<String> passedThrough = new ArrayList<>();
        for (StructField field : inputSchema.fields()) {
            if (SparkSchemas.isPipelineType(field.dataType())) {
                pipelineInputs = pipelineInputs.add(field);
            } else {
                passedThrough.add(field.name() + " (" + field.dataType().simpleString() + ")");
            }
        }
        CompiledPipeline compiled;
        try {
            compiled = pipeline.compile(SparkSchemas.toSchema(pipelineInputs));
        } catch (ModelException e) {
            if (e.errorCode().equals(PipelineErrorCode.SCHEMA_MISMATCH.toErrorCode())) {
                List<String> given = Arrays.stream(pipelineInputs.fieldNames()).toList();
                List<String> missing = PipelineColumns.inputs(modelDirectory).stream().filter(name -> !given.contains(name)).toList();
                throw new CarraraException(SparkErrorCode.QUERY_COLUMNS, "the query's columns do not fit the model: "
                        + (missing.isEmpty() ? "" : "it lacks " + missing + ", which the model reads; ") + e.getMessage()
                        + "; select the columns the model needs, under those names, and rename any column the model adds"
                        + (passedThrough.isEmpty() ? "" : "; the columns " + passedThrough + " have types Spark ML does not"
                        + " read and are only passed through: cast them in the query if the model needs them"), "query", e);
            }
            throw e;
        }
        List<Field> addedFields = compiled.addedFields();
        Map<String, Field> byName = addedFields.stream().collect(Collectors.toMap(Field::name, Function.identity()));
        for (String column : columns) {
            if (!byName.containsKey(column)) {
                throw new CarraraException(SparkErrorCode.QUERY_COLUMNS, "columns names '" + column
                        + "', which the model does not add; it adds " + addedFields.stream().map(Field::name).toList(),
                        "columns");
            }
        }
        List<Field> kept = columns.isEmpty() ? addedFields
                : addedFields.stream().filter(field -> columns.contains(field.name())).toList();
        StructType output = inputSchema;
        for (Field field : kept) {
            output = output.add(field.name(), tableType(field), true);
        }
        output = output.add(STATUS, DataTypes.StringType, false)
                .add(ERROR, DataTypes.StringType, true)
                .add(ERROR_COLUMN, DataTypes.StringType, true);
        return new BatchScoringFunction(ShippedModel.read(modelDirectory), inputSchema, pipelineInputs,
                kept.stream().map(Field::name).toArray(String[]::new), output);
    }

    @Override
    public StructType outputSchema() {
        return outputSchema;
    }

    /** The pipeline-added columns kept, in the pipeline's order. */
    @Override
    public List<String> addedColumns() {
        return Arrays.asList(added.clone());
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        CompiledPipeline pipeline = SparkPipeline.load(model.directory()).compile(SparkSchemas.toSchema(pipelineInputs));
        PartitionScorer scorer = new PartitionScorer(pipeline, inputSchema);
        int[] slots = new int[added.length];
        Field[] fields = new Field[added.length];
        List<Field> addedFields = pipeline.addedFields();
        for (int k = 0; k < added.length; k++) {
            slots[k] = pipeline.slot(added[k]);
            String name = added[k];
            fields[k] = addedFields.stream().filter(field -> field.name().equals(name)).findFirst().orElseThrow();
        }
        int inputCount = inputSchema.fields().length;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row row = rows.next();
                Object[] values = new Object[inputCount + added.length + 3];
                for (int i = 0; i < inputCount; i++) {
                    values[i] = row.get(i);
                }
                int outcome = inputCount + added.length;
                try {
                    if (scorer.score(row)) {
                        for (int k = 0; k < added.length; k++) {
                            values[inputCount + k] = toTableValue(scorer.output(slots[k], fields[k]));
                        }
                        values[outcome] = SCORED;
                    } else {
                        values[outcome] = SKIPPED;
                        values[outcome + 1] = SKIPPED_REASON;
                    }
                } catch (RowException e) {
                    values[outcome] = FAILED;
                    values[outcome + 1] = e.getMessage();
                    values[outcome + 2] = e.column();
                } catch (RuntimeException e) {
                    // A stage fault on one row must not lose the other rows of a long job: the row is
                    // kept with the fault, counted as failed, and the job's result shows it.
                    values[outcome] = FAILED;
                    values[outcome + 1] = "unexpected error scoring the row, please report it: " + e;
                }
                return RowFactory.create(values);
            }
        };
    }

    /** How a column the pipeline adds is stored in a table: vectors become {@code array<double>}. */
    static DataType tableType(Field field) {
        return switch (field.type()) {
            case VECTOR, DOUBLE_ARRAY -> DataTypes.createArrayType(DataTypes.DoubleType, false);
            case VECTOR_ARRAY -> DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), true);
            case STRING_ARRAY -> DataTypes.createArrayType(DataTypes.StringType, true);
            default -> SparkSchemas.toStructField(field).dataType();
        };
    }

    private static Object toTableValue(Object value) {
        if (value instanceof Vector vector) {
            return ArraySeq.unsafeWrapArray(vector.toArray());
        }
        if (value instanceof double[] doubles) {
            return ArraySeq.unsafeWrapArray(doubles.clone());
        }
        if (value instanceof List<?> list) {
            List<Object> elements = new ArrayList<>(list.size());
            for (Object element : list) {
                elements.add(toTableValue(element));
            }
            return CollectionConverters.asScala(elements).toSeq();
        }
        return value;
    }
}
