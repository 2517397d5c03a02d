package io.carrara.serving.runtime;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.RowResult;
import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.serving.predict.RowError;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A loaded Spark pipeline and the compiled forms it has needed so far, by {@link RowShape}. A
 * request infers its rows' shape (a map over the fields), finds the compiled pipeline for it and
 * scores; only a shape not seen before compiles. A shape the pipeline cannot be bound to (a missing
 * column, a string where a number is expected) is remembered too, so every row of such a request
 * fails with the binding error and the next such request does not compile again.
 *
 * <p>A column that is null in every row of a request has no type to infer; it is first read as a
 * string, as Spark's JSON reader would, and when the pipeline refuses that, as a double, so that
 * the pipeline's own null handling (handleInvalid) decides about the row.
 */
final class SparkPipelineModel implements LoadedModel {
    private final SparkPipeline pipeline;
    private final int maxShapes;
    private final ConcurrentMap<RowShape, Binding> bindings = new ConcurrentHashMap<>();
    /** The binding of the declared inputs, when the instance declares them; it describes the model. */
    private final Binding declared;
    private volatile Binding latest;

    /** The pipeline compiled for one shape, or why it cannot be. */
    private record Binding(Schema schema, CompiledPipeline compiled, List<Field> added, ModelException error) {}

    /** Throws the {@link ModelException} of the compile when the pipeline cannot take the declared {@code inputs}. */
    SparkPipelineModel(SparkPipeline pipeline, Optional<Schema> inputs, int maxShapes) {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        if (maxShapes < 1) {
            throw new IllegalArgumentException("maxShapes is not positive: " + maxShapes);
        }
        this.maxShapes = maxShapes;
        this.declared = inputs.map(schema -> {
            try {
                return compiled(schema);
            } catch (ModelException e) {
                throw new ModelException(PipelineErrorCode.SCHEMA_MISMATCH,
                        "the pipeline does not take the instance's declared inputSchema: " + e.getMessage());
            }
        }).orElse(null);
    }

    @Override
    public List<ScoredRow> score(List<Map<String, Object>> rows) {
        requireNonNull(rows, "rows is null");
        if (rows.isEmpty()) {
            return List.of();
        }
        RowShape shape = RowShape.of(rows);
        Binding binding = bindings.get(shape);
        if (binding == null) {
            binding = bind(shape);
            if (bindings.size() >= maxShapes) {
                // Any entry will do: in steady state there is one shape per client, so this is for odd clients.
                Iterator<RowShape> oldest = bindings.keySet().iterator();
                if (oldest.hasNext()) {
                    bindings.remove(oldest.next());
                }
            }
            bindings.put(shape, binding);
        }
        if (binding.error != null) {
            ScoredRow failed = ScoredRow.failed(RowError.of(binding.error));
            return java.util.Collections.nCopies(rows.size(), failed);
        }
        latest = binding;
        List<Map<String, Object>> input = rows;
        if (shape.hasNonFiniteText()) {
            input = new ArrayList<>(rows.size());
            for (Map<String, Object> row : rows) {
                input.add(shape.withNonFiniteNumbers(row, binding.schema));
            }
        }
        List<RowResult> results = binding.compiled.scoreAll(input);
        List<ScoredRow> scored = new ArrayList<>(results.size());
        for (RowResult result : results) {
            scored.add(switch (result.status()) {
                case SCORED -> ScoredRow.scored(result.row().orElseThrow(), binding.added);
                case SKIPPED -> ScoredRow.skipped();
                case FAILED -> ScoredRow.failed(RowError.of(result.error().orElseThrow()));
            });
        }
        return scored;
    }

    @Override
    public List<Field> inputs() {
        Binding binding = declared != null ? declared : latest;
        return binding == null ? List.of() : binding.schema.fields();
    }

    @Override
    public List<Field> outputs() {
        Binding binding = declared != null ? declared : latest;
        return binding == null ? List.of() : binding.added;
    }

    /** Number of shapes compiled and kept; for tests. */
    int compiledShapes() {
        return bindings.size();
    }

    private Binding bind(RowShape shape) {
        Schema schema = shape.schema(DataType.STRING);
        try {
            return compiled(schema);
        } catch (ModelException asStrings) {
            List<String> nullOnly = shape.nullOnly();
            if (nullOnly.isEmpty()) {
                return new Binding(schema, null, List.of(), asStrings);
            }
            Schema asDoubles = shape.schema(DataType.DOUBLE);
            try {
                return compiled(asDoubles);
            } catch (ModelException e) {
                return new Binding(schema, null, List.of(), new ModelException(PipelineErrorCode.SCHEMA_MISMATCH,
                        asStrings.getMessage() + "; the columns " + nullOnly + " are null in every row of the request,"
                                + " so their type is unknown: send at least one value"));
            }
        }
    }

    private Binding compiled(Schema schema) {
        CompiledPipeline compiled = pipeline.compile(schema);
        return new Binding(schema, compiled, List.copyOf(compiled.addedFields()), null);
    }
}
