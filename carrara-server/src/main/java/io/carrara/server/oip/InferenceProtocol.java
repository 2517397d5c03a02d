package io.carrara.server.oip;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static io.carrara.spi.error.StandardErrorCode.UNAVAILABLE;
import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.serving.predict.InferenceBackend;
import io.carrara.serving.predict.ModelStatus;
import io.carrara.serving.predict.PredictionRequest;
import io.carrara.serving.predict.PredictionResult;
import io.carrara.serving.predict.RowError;
import io.carrara.spi.error.CarraraException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The Open Inference Protocol (KServe v2) over an {@link InferenceBackend}, whatever the wire: a
 * batch of named input tensors becomes rows (tensor = column, first dimension = row), the backend
 * scores them, and the columns the pipeline adds come back as output tensors. Version = instance
 * id, which pins the instance. It adds no serving logic: routing, features and logging stay in
 * the backend. Errors are {@link CarraraException}s: INVALID_ARGUMENT for a malformed tensor or a
 * row that fails (a {@link RowsNotScoredException} with the first rows' own errors) or is skipped, NOT_FOUND for an unknown model or version, UNAVAILABLE for a model
 * that is not ready.
 */
public final class InferenceProtocol {
    /** What server metadata answers as the server's name. */
    public static final String SERVER_NAME = "carrara";
    private static final int MAX_REPORTED_ROWS = 5;

    private final InferenceBackend backend;
    private final String serverVersion;

    public InferenceProtocol(InferenceBackend backend, String serverVersion) {
        this.backend = requireNonNull(backend, "backend is null");
        this.serverVersion = requireNonNull(serverVersion, "serverVersion is null");
    }

    public boolean live() {
        return backend.live();
    }

    public boolean ready() {
        return backend.ready();
    }

    /** The deployments served, by name. */
    public List<String> models() {
        return backend.models();
    }

    public String serverVersion() {
        return serverVersion;
    }

    /** The model's status; NOT_FOUND for an unknown model or a version that is not one of its instances. */
    public ModelStatus status(String model, Optional<String> version) {
        requireNonNull(model, "model is null");
        ModelStatus status = backend.status(model);
        pin(status, version);
        return status;
    }

    public ModelMetadata metadata(String model, Optional<String> version) {
        ModelStatus status = status(model, version);
        return new ModelMetadata(status.name(), status.instances().stream().map(UUID::toString).toList(), status.platform(),
                status.inputs().stream().map(InferenceProtocol::describe).toList(),
                status.outputs().stream().map(InferenceProtocol::describe).toList());
    }

    /** Scores a batch; every row must score, since a tensor batch cannot report one row's failure. */
    /**
     * Whether {@link #infer} for {@code model} can run on the event loop that read the request: no
     * version pin (whose check may read the registry), loaded models and no feature lookup.
     */
    public boolean infersWithoutBlocking(String model, Optional<String> version) {
        return version.isEmpty() && backend.predictsWithoutBlocking(model);
    }

    public InferenceOutcome infer(String model, Optional<String> version, InferenceCall call) {
        requireNonNull(call, "call is null");
        ModelStatus status = status(model, version);
        if (!status.ready()) {
            throw new CarraraException(UNAVAILABLE, "model " + model + " is not ready: "
                    + status.reason().orElse("it is still loading") + "; check GET /v2/models/" + model + "/ready");
        }
        List<Map<String, Object>> rows = rows(status, call.inputs());
        PredictionResult result = backend.predict(model, new PredictionRequest(rows, pin(status, version)));
        if (result.rows().size() != rows.size()) {
            throw new IllegalStateException("the backend answered " + result.rows().size() + " rows for " + rows.size());
        }
        checkEveryRowScored(model, status, call.inputs(), result);
        return outcome(model, call, result);
    }

    private static Optional<UUID> pin(ModelStatus status, Optional<String> version) {
        if (version.isEmpty() || version.get().isBlank()) {
            return Optional.empty();
        }
        String text = version.get();
        UUID instance;
        try {
            instance = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            instance = null;
        }
        if (instance == null || !status.instances().contains(instance)) {
            throw new CarraraException(NOT_FOUND, "model " + status.name() + " has no version '" + text
                    + "'; versions are instance ids: " + status.instances(), "version");
        }
        return Optional.of(instance);
    }

    private static TensorMetadata describe(Field field) {
        List<Long> shape = switch (field.type()) {
            case VECTOR -> List.of(-1L, field.vectorSize().isPresent() ? (long) field.vectorSize().getAsInt() : -1L);
            case DOUBLE_ARRAY, STRING_ARRAY -> List.of(-1L, -1L);
            case VECTOR_ARRAY -> List.of(-1L, -1L, -1L);
            default -> List.of(-1L);
        };
        return new TensorMetadata(field.name(), TensorType.of(field.type()), shape);
    }

    // ---- tensors to rows

    private static List<Map<String, Object>> rows(ModelStatus status, List<Tensor> inputs) {
        if (inputs.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, "the request has no inputs; send one tensor per input column"
                    + (status.inputs().isEmpty() ? "" : ": " + names(status.inputs())), "inputs");
        }
        Map<String, Field> fields = new HashMap<>();
        status.inputs().forEach(field -> fields.put(field.name(), field));
        Tensor first = inputs.get(0);
        Set<String> seen = new HashSet<>();
        for (Tensor input : inputs) {
            if (!seen.add(input.name())) {
                throw new CarraraException(INVALID_ARGUMENT, "input '" + input.name() + "' is sent twice; send each column once",
                        input.name());
            }
            if (input.shape().isEmpty()) {
                throw new CarraraException(INVALID_ARGUMENT, "input '" + input.name() + "' has shape []; its first dimension"
                        + " is the number of rows: send shape [n] for one value per row", input.name());
            }
            if (input.rows() != first.rows()) {
                throw new CarraraException(INVALID_ARGUMENT, "input '" + input.name() + "' has " + input.rows()
                        + " rows (shape " + input.shape() + ") but input '" + first.name() + "' has " + first.rows()
                        + "; every input needs the same first dimension", input.name());
            }
            Field field = fields.get(input.name());
            if (field != null) {
                check(input, field);
            }
        }
        int count = Math.toIntExact(first.rows());
        List<Map<String, Object>> rows = new ArrayList<>(count);
        for (int row = 0; row < count; row++) {
            rows.add(new LinkedHashMap<>());
        }
        for (Tensor input : inputs) {
            List<Long> shape = input.shape();
            Field field = fields.get(input.name());
            boolean scalar = field != null ? isScalar(field.type()) : shape.size() == 1;
            int width = count == 0 ? 0 : input.elements().size() / count;
            for (int row = 0; row < count; row++) {
                Object value = scalar
                        ? input.elements().get(row)
                        : nest(input.elements().subList(row * width, (row + 1) * width), shape.subList(1, shape.size()));
                rows.get(row).put(input.name(), value);
            }
        }
        return rows;
    }

    private static boolean isScalar(DataType type) {
        return type != DataType.VECTOR && type != DataType.DOUBLE_ARRAY && type != DataType.STRING_ARRAY
                && type != DataType.VECTOR_ARRAY;
    }

    /** A row's elements as nested lists of the given dimensions. */
    private static List<Object> nest(List<Object> elements, List<Long> dimensions) {
        if (dimensions.size() <= 1) {
            return Collections.unmodifiableList(new ArrayList<>(elements));
        }
        int inner = dimensions.get(0) == 0 ? 0 : (int) (elements.size() / dimensions.get(0));
        List<Object> nested = new ArrayList<>();
        for (int i = 0; i < dimensions.get(0); i++) {
            nested.add(nest(elements.subList(i * inner, (i + 1) * inner), dimensions.subList(1, dimensions.size())));
        }
        return Collections.unmodifiableList(nested);
    }

    /** The tensor's data type and shape must carry the column's type; named in the error with what to send. */
    private static void check(Tensor input, Field field) {
        DataType type = field.type();
        TensorType datatype = input.type();
        boolean typeFits = switch (type) {
            case BOOLEAN -> datatype == TensorType.BOOL;
            case STRING, STRING_ARRAY -> datatype == TensorType.BYTES;
            default -> datatype.isNumeric();
        };
        if (!typeFits) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + input.name() + "' has datatype " + datatype
                    + " but column " + field.name() + " is " + type + "; send it as " + TensorType.of(type), input.name());
        }
        List<Long> shape = input.shape();
        String expected;
        boolean shapeFits;
        switch (type) {
            case VECTOR, DOUBLE_ARRAY, STRING_ARRAY -> {
                Long size = type == DataType.VECTOR && field.vectorSize().isPresent() ? (long) field.vectorSize().getAsInt() : null;
                expected = "[n, " + (size == null ? "k" : size) + "] (one " + (size == null ? "" : size + "-element ")
                        + "array per row)";
                shapeFits = shape.size() == 2 && (size == null || shape.get(1).equals(size));
            }
            case VECTOR_ARRAY -> {
                expected = "[n, k, m] (k vectors of m elements per row)";
                shapeFits = shape.size() == 3;
            }
            default -> {
                expected = "[n] or [n, 1] (one value per row)";
                shapeFits = shape.size() == 1 || shape.size() == 2 && shape.get(1) == 1;
            }
        }
        if (!shapeFits) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + input.name() + "' has shape " + shape + " but column "
                    + field.name() + " is " + type + "; send shape " + expected, input.name());
        }
    }

    // ---- results to tensors

    private static void checkEveryRowScored(String model, ModelStatus status, List<Tensor> inputs, PredictionResult result) {
        List<String> failures = new ArrayList<>();
        List<RowsNotScoredException.FailedRow> failed = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        for (int i = 0; i < result.rows().size(); i++) {
            PredictionResult.Row row = result.rows().get(i);
            switch (row.status()) {
                case FAILED -> {
                    RowError error = row.error().orElseThrow();
                    failures.add("row " + i + error.column().map(column -> ", column " + column).orElse("") + ": " + error.message());
                    if (failed.size() < MAX_REPORTED_ROWS) {
                        failed.add(new RowsNotScoredException.FailedRow(i, error));
                    }
                }
                case SKIPPED -> skipped.add(i);
                case SCORED -> { }
            }
        }
        if (failures.isEmpty() && skipped.isEmpty()) {
            return;
        }
        Set<String> sent = inputs.stream().map(Tensor::name).collect(Collectors.toSet());
        List<String> missing = status.inputs().stream().map(Field::name).filter(name -> !sent.contains(name)).toList();
        String hint = missing.isEmpty() ? "" : " (inputs not sent, so null in every row: " + String.join(", ", missing) + ")";
        if (!failures.isEmpty()) {
            String shown = failures.stream().limit(MAX_REPORTED_ROWS).collect(Collectors.joining("; "));
            throw new RowsNotScoredException(failures.size() + " of " + result.rows().size()
                    + " rows failed to score" + hint + ": " + shown
                    + (failures.size() > MAX_REPORTED_ROWS ? "; ..." : ""), failed);
        }
        throw new CarraraException(INVALID_ARGUMENT, "rows " + skipped.stream().limit(MAX_REPORTED_ROWS * 4L)
                .map(String::valueOf).collect(Collectors.joining(", ")) + (skipped.size() > MAX_REPORTED_ROWS * 4 ? ", ..." : "")
                + " were dropped by a pipeline stage with handleInvalid=skip (a null, NaN or invalid value where it needs one)"
                + hint + "; a tensor batch cannot have holes: fix those rows, or score them with POST /api/v1/deployments/"
                + model + "/predict, which reports each row", "inputs");
    }

    private static InferenceOutcome outcome(String model, InferenceCall call, PredictionResult result) {
        List<PredictionResult.Row> rows = result.rows();
        Set<String> instances = new LinkedHashSet<>();
        List<String> predictionIds = new ArrayList<>();
        rows.forEach(row -> {
            instances.add(row.instance().toString());
            predictionIds.add(row.predictionId().orElse(""));
        });
        List<Field> added = rows.isEmpty() ? List.of() : rows.get(0).added();
        for (PredictionResult.Row row : rows) {
            if (!row.added().equals(added)) {
                throw new CarraraException(INVALID_ARGUMENT, "the rows were routed to instances with different outputs ("
                        + names(added) + " and " + names(row.added()) + "); send the rows of one partition per request", "inputs");
            }
        }
        List<Field> selected;
        if (call.outputs().isEmpty()) {
            selected = added;
        } else {
            Map<String, Field> byName = new LinkedHashMap<>();
            added.forEach(field -> byName.put(field.name(), field));
            selected = new ArrayList<>();
            for (String name : call.outputs()) {
                Field field = byName.get(name);
                if (field == null) {
                    throw new CarraraException(INVALID_ARGUMENT, "model " + model + " has no output '" + name + "'; outputs: "
                            + String.join(", ", byName.keySet()), "outputs");
                }
                selected.add(field);
            }
        }
        List<Tensor> outputs = selected.stream().map(field -> tensor(field, rows)).toList();
        return new InferenceOutcome(model, String.join(",", instances), call.id(), outputs, predictionIds);
    }

    private static Tensor tensor(Field field, List<PredictionResult.Row> rows) {
        TensorType type = TensorType.of(field.type());
        List<Object> elements = new ArrayList<>();
        List<Long> inner = null;
        for (int i = 0; i < rows.size(); i++) {
            Object value = rows.get(i).output().orElseThrow().get(field.name());
            List<Long> dimensions = new ArrayList<>();
            flatten(field, type, value, i, elements, dimensions, 0);
            if (inner == null) {
                inner = dimensions;
            } else if (!inner.equals(dimensions)) {
                throw new CarraraException(INVALID_ARGUMENT, "output " + field.name() + " has shape " + inner + " in row 0 but "
                        + dimensions + " in row " + i + "; a tensor needs one shape, so ask for the other outputs only", "outputs");
            }
        }
        List<Long> shape = new ArrayList<>();
        shape.add((long) rows.size());
        if (inner != null) {
            shape.addAll(inner);
        } else if (field.type() == DataType.VECTOR && field.vectorSize().isPresent()) {
            shape.add((long) field.vectorSize().getAsInt());
        } else if (!isScalar(field.type())) {
            shape.add(0L);
        }
        return new Tensor(field.name(), type, shape, elements);
    }

    /** Appends a row's value as elements and records its dimensions (none for a scalar). */
    private static void flatten(Field field, TensorType type, Object value, int row, List<Object> elements,
            List<Long> dimensions, int depth) {
        if (value instanceof Vector vector) {
            record(dimensions, depth, vector.size());
            for (int i = 0; i < vector.size(); i++) {
                elements.add(vector.get(i));
            }
        } else if (value instanceof double[] doubles) {
            record(dimensions, depth, doubles.length);
            for (double element : doubles) {
                elements.add(element);
            }
        } else if (value instanceof List<?> list) {
            record(dimensions, depth, list.size());
            for (Object element : list) {
                flatten(field, type, element, row, elements, dimensions, depth + 1);
            }
        } else {
            elements.add(element(field, type, value, row));
        }
    }

    private static void record(List<Long> dimensions, int depth, int size) {
        if (dimensions.size() == depth) {
            dimensions.add((long) size);
        }
    }

    private static Object element(Field field, TensorType type, Object value, int row) {
        if (value == null) {
            if (type.isFloatingPoint()) {
                return Double.NaN;
            }
            throw new CarraraException(INVALID_ARGUMENT, "output " + field.name() + " is null in row " + row
                    + " and a " + type + " tensor cannot hold null; ask for the other outputs only", "outputs");
        }
        return switch (type) {
            case BOOL -> value instanceof Boolean bool ? bool : ((Number) value).doubleValue() != 0.0;
            case BYTES -> value.toString();
            case FP32 -> ((Number) value).floatValue();
            case FP64, FP16 -> ((Number) value).doubleValue();
            default -> ((Number) value).longValue();
        };
    }

    private static String names(List<Field> fields) {
        return fields.stream().map(Field::name).collect(Collectors.joining(", "));
    }
}
