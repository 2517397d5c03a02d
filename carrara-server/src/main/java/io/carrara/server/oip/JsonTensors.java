package io.carrara.server.oip;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The REST (JSON) form of the protocol's objects. Tensor {@code data} may be flat or nested; in
 * FP tensors the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} stand for those
 * values (JSON has no literal for them), and {@code null} is a missing value in any tensor, which
 * the pipeline's own null handling then decides on.
 */
final class JsonTensors {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private JsonTensors() {}

    static InferenceCall readCall(String body) {
        if (body.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "an inference request body is required: {\"inputs\": [{\"name\", "
                    + "\"datatype\", \"shape\", \"data\"}, ...]}", "body");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INVALID_ARGUMENT, "the request body is not valid JSON: " + e.getOriginalMessage(), "body");
        }
        if (!root.isObject()) {
            throw new CarraraException(INVALID_ARGUMENT, "the request body must be a JSON object with \"inputs\"", "body");
        }
        Optional<String> id = root.hasNonNull("id") ? Optional.of(root.get("id").asText()) : Optional.empty();
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw new CarraraException(INVALID_ARGUMENT, "\"inputs\" must be an array of tensors, one per input column", "inputs");
        }
        List<Tensor> tensors = new ArrayList<>();
        for (JsonNode input : inputs) {
            tensors.add(readTensor(input));
        }
        List<String> outputs = new ArrayList<>();
        JsonNode requested = root.get("outputs");
        if (requested != null && !requested.isNull()) {
            if (!requested.isArray()) {
                throw new CarraraException(INVALID_ARGUMENT, "\"outputs\" must be an array of {\"name\": ...}", "outputs");
            }
            for (JsonNode output : requested) {
                if (!output.hasNonNull("name") || !output.get("name").isTextual()) {
                    throw new CarraraException(INVALID_ARGUMENT, "every requested output needs a \"name\"", "outputs");
                }
                outputs.add(output.get("name").textValue());
            }
        }
        return new InferenceCall(id, tensors, outputs);
    }

    private static Tensor readTensor(JsonNode input) {
        if (!input.isObject() || !input.hasNonNull("name") || !input.get("name").isTextual()) {
            throw new CarraraException(INVALID_ARGUMENT, "every input needs a \"name\", \"datatype\", \"shape\" and \"data\"",
                    "inputs");
        }
        String name = input.get("name").textValue();
        if (!input.hasNonNull("datatype") || !input.get("datatype").isTextual()) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has no \"datatype\"; use BOOL, INT8..INT64, "
                    + "UINT8..UINT64, FP16, FP32, FP64 or BYTES", name);
        }
        TensorType type = TensorType.of(input.get("datatype").textValue(), name);
        JsonNode parameters = input.get("parameters");
        if (parameters != null && parameters.has("binary_data_size")) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' uses the binary tensor data extension, which this"
                    + " server does not support; send its elements in \"data\", or use gRPC raw_input_contents", name);
        }
        List<Long> shape = new ArrayList<>();
        JsonNode shapeNode = input.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has no \"shape\"; send [n] for n rows", name);
        }
        for (JsonNode dimension : shapeNode) {
            if (!dimension.isIntegralNumber() || !dimension.canConvertToLong() || dimension.longValue() < 0) {
                throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has shape " + shapeNode
                        + "; dimensions are non-negative integers", name);
            }
            shape.add(dimension.longValue());
        }
        long expected = Tensor.elementCount(shape);
        if (expected < 0 || expected > Integer.MAX_VALUE) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has shape " + shape + ", too large", name);
        }
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has no \"data\" array", name);
        }
        List<Object> elements = new ArrayList<>((int) expected);
        flatten(data, name, type, elements);
        if (elements.size() != expected) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has shape " + shape + ", which holds " + expected
                    + " elements, but its data has " + elements.size(), name);
        }
        return new Tensor(name, type, shape, elements);
    }

    private static void flatten(JsonNode data, String name, TensorType type, List<Object> elements) {
        for (JsonNode element : data) {
            if (element.isArray()) {
                flatten(element, name, type, elements);
            } else {
                elements.add(element(element, name, type, elements.size()));
            }
        }
    }

    private static Object element(JsonNode node, String name, TensorType type, int index) {
        if (node.isNull()) {
            return null;
        }
        switch (type) {
            case BOOL -> {
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
            }
            case BYTES -> {
                if (node.isTextual()) {
                    return node.textValue();
                }
            }
            case FP16, FP32, FP64 -> {
                Double value = null;
                if (node.isNumber()) {
                    value = node.doubleValue();
                } else if (node.isTextual()) {
                    value = switch (node.textValue()) {
                        case "NaN" -> Double.NaN;
                        case "Infinity" -> Double.POSITIVE_INFINITY;
                        case "-Infinity" -> Double.NEGATIVE_INFINITY;
                        default -> null;
                    };
                }
                if (value != null) {
                    // A 32- or 16-bit float is what the client meant; keep the value it would have on the wire.
                    return type == TensorType.FP64 ? value : (Object) (double) value.floatValue();
                }
            }
            default -> {
                if (node.isIntegralNumber()) {
                    BigInteger value = node.bigIntegerValue();
                    if (inRange(type, value)) {
                        return type == TensorType.UINT64 && value.bitLength() > 63 ? (Object) value.doubleValue()
                                : (Object) value.longValue();
                    }
                }
            }
        }
        throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' element " + index + " is " + node + ", not a "
                + type + " value; send " + expectedValue(type), name);
    }

    private static boolean inRange(TensorType type, BigInteger value) {
        long min;
        long max;
        switch (type) {
            case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case INT16 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case INT64 -> { return value.bitLength() <= 63; }
            case UINT8 -> { min = 0; max = 0xFF; }
            case UINT16 -> { min = 0; max = 0xFFFF; }
            case UINT32 -> { min = 0; max = 0xFFFF_FFFFL; }
            case UINT64 -> { return value.signum() >= 0 && value.compareTo(UINT64_MAX) <= 0; }
            default -> { return false; }
        }
        return value.bitLength() <= 63 && value.longValue() >= min && value.longValue() <= max;
    }

    private static String expectedValue(TensorType type) {
        return switch (type) {
            case BOOL -> "true or false";
            case BYTES -> "a string";
            case FP16, FP32, FP64 -> "a number (or \"NaN\", \"Infinity\", \"-Infinity\")";
            default -> "an integer in the range of " + type;
        };
    }

    static ObjectNode outcome(InferenceOutcome outcome) {
        ObjectNode root = NODES.objectNode();
        root.put("model_name", outcome.model());
        root.put("model_version", outcome.version());
        outcome.id().ifPresent(id -> root.put("id", id));
        if (outcome.predictionIds().stream().anyMatch(id -> !id.isEmpty())) {
            root.putObject("parameters").put("prediction_ids", String.join(",", outcome.predictionIds()));
        }
        ArrayNode outputs = root.putArray("outputs");
        for (Tensor tensor : outcome.outputs()) {
            ObjectNode output = outputs.addObject();
            output.put("name", tensor.name());
            output.put("datatype", tensor.type().name());
            ArrayNode shape = output.putArray("shape");
            tensor.shape().forEach(shape::add);
            ArrayNode data = output.putArray("data");
            for (Object element : tensor.elements()) {
                data.add(value(element));
            }
        }
        return root;
    }

    private static JsonNode value(Object element) {
        if (element instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (element instanceof String text) {
            return NODES.textNode(text);
        }
        if (element instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (element instanceof Float number) {
            return Float.isFinite(number) ? NODES.numberNode(number) : nonFinite(number);
        }
        double number = ((Number) element).doubleValue();
        return Double.isFinite(number) ? NODES.numberNode(number) : nonFinite(number);
    }

    private static JsonNode nonFinite(double value) {
        return NODES.textNode(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    static ObjectNode metadata(ModelMetadata metadata) {
        ObjectNode root = NODES.objectNode();
        root.put("name", metadata.name());
        ArrayNode versions = root.putArray("versions");
        metadata.versions().forEach(versions::add);
        root.put("platform", metadata.platform());
        tensors(root.putArray("inputs"), metadata.inputs());
        tensors(root.putArray("outputs"), metadata.outputs());
        return root;
    }

    private static void tensors(ArrayNode array, List<TensorMetadata> tensors) {
        for (TensorMetadata tensor : tensors) {
            ObjectNode node = array.addObject();
            node.put("name", tensor.name());
            node.put("datatype", tensor.type().name());
            ArrayNode shape = node.putArray("shape");
            tensor.shape().forEach(shape::add);
        }
    }

    /**
     * The protocol's error object, {@code {"error": "…"}}, with the code's identity beside it
     * ({@code code}, {@code number}, {@code type}, and {@code field} when there is one), as every
     * Carrara error carries them; a KServe client reads {@code error} and ignores the rest.
     */
    static ObjectNode error(ErrorCode code, String message, String field) {
        ObjectNode error = NODES.objectNode().put("error", io.carrara.server.api.ApiErrors.bounded(message,
                io.carrara.server.api.ApiErrors.MAX_MESSAGE_CHARS));
        io.carrara.server.api.ApiErrors.put(error, code);
        if (field != null) {
            error.put("field", field);
        }
        return error;
    }
}
