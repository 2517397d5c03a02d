package io.carrara.spark.batch;

import static io.carrara.spark.batch.BatchScoringFunction.ERROR;
import static io.carrara.spark.batch.BatchScoringFunction.ERROR_COLUMN;
import static io.carrara.spark.batch.BatchScoringFunction.FAILED;
import static io.carrara.spark.batch.BatchScoringFunction.SCORED;
import static io.carrara.spark.batch.BatchScoringFunction.STATUS;
import static java.util.Objects.requireNonNull;

import io.carrara.python.ModelHome;
import io.carrara.python.PythonModel;
import io.carrara.python.PythonSettings;
import io.carrara.python.RowOutcome;
import io.carrara.spark.ShippedModel;
import io.carrara.spark.SparkErrorCode;
import io.carrara.spi.error.CarraraException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The batch job's scorer of Python models: the rows of a partition go to the model's workers
 * {@code sparkBatchSize} at a time, through the same {@link PythonModel#score} the online server
 * calls, so a row scores the same in both. Output columns as {@link BatchScoringFunction}'s: the
 * input's, the kept declared outputs, then {@code status}, {@code error} and {@code error_column}.
 *
 * <p>A row whose input does not fit the declared type, or that the model rejects, comes out
 * {@code failed} with the reason and the column, as it is refused online; when predict raises, PythonModel splits the call
 * until the rows that raise are found (a bounded number of times), and the others
 * still score. A worker that died or timed out ({@code WORKER_UNAVAILABLE}) fails the task, which
 * Spark retries; the job fails with the reason when the retries do too.
 */
final class PythonScoringFunction implements BatchScorer {
    private static final long serialVersionUID = 1L;

    private final ShippedModel model;
    private final PythonRuntimeSettings settings;
    private final int inputCount;
    private final int[] inputSlots;
    private final String[] added;
    private final DataType[] addedTypes;
    private final StructType outputSchema;
    private final boolean validate;

    private PythonScoringFunction(ShippedModel model, PythonRuntimeSettings settings, int inputCount, int[] inputSlots,
            String[] added, DataType[] addedTypes, StructType outputSchema, boolean validate) {
        this.validate = validate;
        this.model = model;
        this.settings = settings;
        this.inputCount = inputCount;
        this.inputSlots = inputSlots;
        this.added = added;
        this.addedTypes = addedTypes;
        this.outputSchema = outputSchema;
    }

    /**
     * Reads the model home on the driver and checks the query has every declared input (by name,
     * as Spark resolves names: case aside) and that {@code columns} names declared outputs, before any task.
     */
    static PythonScoringFunction create(Path modelDirectory, StructType inputSchema, List<String> columns, PythonSettings settings) {
        return create(modelDirectory, inputSchema, columns, settings, true);
    }

    /** As {@link #create(Path, StructType, List, PythonSettings)}; {@code validate} false starts the workers without validation/. */
    static PythonScoringFunction create(Path modelDirectory, StructType inputSchema, List<String> columns, PythonSettings settings,
            boolean validate) {
        requireNonNull(modelDirectory, "modelDirectory is null");
        requireNonNull(inputSchema, "inputSchema is null");
        requireNonNull(columns, "columns is null");
        requireNonNull(settings, "settings is null");
        ModelHome home = ModelHome.read(modelDirectory);
        List<String> given = Arrays.asList(inputSchema.fieldNames());
        List<ModelHome.Column> inputs = home.inputs();
        int[] slots = new int[inputs.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            slots[i] = slot(given, inputs.get(i).name());
            if (slots[i] < 0) {
                missing.add(inputs.get(i).name());
            }
        }
        if (!missing.isEmpty()) {
            throw new CarraraException(SparkErrorCode.QUERY_COLUMNS, "the query's columns do not fit the model: it lacks "
                    + missing + ", which the model reads (its inputs are " + inputs.stream().map(ModelHome.Column::name).toList()
                    + "); select the columns the model needs, under those names", "query");
        }
        List<String> outputs = home.outputs().stream().map(ModelHome.Column::name).toList();
        for (String column : columns) {
            if (!outputs.contains(column)) {
                throw new CarraraException(SparkErrorCode.QUERY_COLUMNS, "columns names '" + column
                        + "', which the model does not add; it adds " + outputs, "columns");
            }
        }
        List<ModelHome.Column> kept = columns.isEmpty() ? home.outputs()
                : home.outputs().stream().filter(column -> columns.contains(column.name())).toList();
        StructType output = inputSchema;
        DataType[] types = new DataType[kept.size()];
        for (int k = 0; k < kept.size(); k++) {
            types[k] = PythonColumns.tableType(home.kind(), kept.get(k));
            output = output.add(kept.get(k).name(), types[k], true);
        }
        output = output.add(STATUS, DataTypes.StringType, false)
                .add(ERROR, DataTypes.StringType, true)
                .add(ERROR_COLUMN, DataTypes.StringType, true);
        // Started here, on the driver, before any task: a model that cannot build its environment, load or validate
        // fails the job with that reason (not a task failure Spark wraps), and in local mode the tasks reuse it.
        ShippedModel shipped = ShippedModel.read(modelDirectory);
        ExecutorPythonModels.get(shipped, settings, validate);
        return new PythonScoringFunction(shipped, PythonRuntimeSettings.of(settings),
                inputSchema.fields().length, slots, kept.stream().map(ModelHome.Column::name).toArray(String[]::new), types,
                output, validate);
    }

    private static int slot(List<String> given, String name) {
        int exact = given.indexOf(name);
        if (exact >= 0) {
            return exact;
        }
        for (int i = 0; i < given.size(); i++) {
            if (given.get(i).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public StructType outputSchema() {
        return outputSchema;
    }

    @Override
    public List<String> addedColumns() {
        return Arrays.asList(added.clone());
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        PythonSettings pythonSettings = settings.toSettings();
        int batchSize = settings.sparkBatchSize();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private ExecutorPythonModels.Loaded loaded = ExecutorPythonModels.get(model, pythonSettings, validate);

            @Override
            public boolean hasNext() {
                return !ready.isEmpty() || rows.hasNext();
            }

            @Override
            public Row next() {
                if (ready.isEmpty()) {
                    if (!rows.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    List<Row> batch = new ArrayList<>(batchSize);
                    while (batch.size() < batchSize && rows.hasNext()) {
                        batch.add(rows.next());
                    }
                    List<Row> scored = score(loaded, batch);
                    while (scored == null) {
                        // Stopped for idleness between two batches of this partition (a slow consumer): start it again.
                        loaded = ExecutorPythonModels.get(model, pythonSettings, validate);
                        scored = score(loaded, batch);
                    }
                    ready.addAll(scored);
                }
                return ready.removeFirst();
            }
        };
    }

    /**
     * One batch: converted, scored in one call (more when predict raises for some rows), back in input
     * order; null when the model was stopped for idleness before the call (get it again).
     */
    private List<Row> score(ExecutorPythonModels.Loaded loaded, List<Row> batch) {
        ModelHome home = loaded.home();
        List<ModelHome.Column> inputs = home.inputs();
        Object[][] values = new Object[batch.size()][];
        List<Map<String, Object>> requests = new ArrayList<>();
        int outcome = inputCount + added.length;
        for (int r = 0; r < batch.size(); r++) {
            Row row = batch.get(r);
            Object[] out = new Object[outcome + 3];
            for (int i = 0; i < inputCount; i++) {
                out[i] = row.get(i);
            }
            values[r] = out;
            Map<String, Object> request = new LinkedHashMap<>();
            for (int i = 0; i < inputs.size(); i++) {
                request.put(inputs.get(i).name(), PythonColumns.toJava(row.get(inputSlots[i])));
            }
            requests.add(request);
        }
        // PythonModel.score finds the rows a refused call failed on, so one bad row fails only itself.
        List<RowOutcome> outcomes = loaded.score(requests);
        if (outcomes == null) {
            return null;
        }
        for (int r = 0; r < outcomes.size(); r++) {
            Object[] out = values[r];
            RowOutcome result = outcomes.get(r);
            if (result.isSuccess()) {
                for (int a = 0; a < added.length; a++) {
                    out[inputCount + a] = PythonColumns.toSpark(addedTypes[a], result.output().get(added[a]));
                }
                out[outcome] = SCORED;
            } else {
                out[outcome] = FAILED;
                out[outcome + 1] = result.message();
                out[outcome + 2] = result.column();
            }
        }
        List<Row> scored = new ArrayList<>(values.length);
        for (Object[] out : values) {
            scored.add(RowFactory.create(out));
        }
        return scored;
    }

}
