package io.carrara.server.oip;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.google.protobuf.ByteString;
import io.carrara.server.oip.proto.GrpcPredictV2.InferParameter;
import io.carrara.server.oip.proto.GrpcPredictV2.InferTensorContents;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferResponse;
import io.carrara.spi.error.CarraraException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The protobuf form of tensors: typed {@code contents}, or {@code raw_input_contents} /
 * {@code raw_output_contents} as the protocol defines them (row-major, little-endian, BOOL one
 * byte, BYTES elements each after a 4-byte little-endian length, FP16 only raw).
 */
final class ProtoTensors {
    /** A request parameter that asks for raw_output_contents (Triton's name for it). */
    static final String BINARY_OUTPUT_PARAMETER = "binary_data_output";

    private ProtoTensors() {}

    static InferenceCall readCall(ModelInferRequest request) {
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
            throw new CarraraException(INVALID_ARGUMENT, "raw_input_contents has " + request.getRawInputContentsCount()
                    + " entries for " + request.getInputsCount() + " inputs; send one per input, in order", "raw_input_contents");
        }
        List<Tensor> tensors = new ArrayList<>(request.getInputsCount());
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(i);
            String name = input.getName();
            TensorType type = TensorType.of(input.getDatatype(), name);
            List<Long> shape = input.getShapeList();
            long count = Tensor.elementCount(shape);
            if (count < 0 || count > Integer.MAX_VALUE) {
                throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has shape " + shape
                        + "; dimensions are non-negative and the tensor at most 2^31 elements", name);
            }
            if (raw && input.hasContents() && !input.getContents().equals(InferTensorContents.getDefaultInstance())) {
                throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has contents while the request uses "
                        + "raw_input_contents; send each tensor one way only", name);
            }
            List<Object> elements = raw
                    ? readRaw(request.getRawInputContents(i), name, type, (int) count)
                    : readTyped(input.getContents(), name, type, (int) count);
            tensors.add(new Tensor(name, type, shape, elements));
        }
        List<String> outputs = request.getOutputsList().stream()
                .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList();
        Optional<String> id = request.getId().isEmpty() ? Optional.empty() : Optional.of(request.getId());
        return new InferenceCall(id, tensors, outputs);
    }

    /** Raw output when the request sent raw input or asked for it with {@code binary_data_output=true}. */
    static boolean wantsRawOutput(ModelInferRequest request) {
        InferParameter parameter = request.getParametersMap().get(BINARY_OUTPUT_PARAMETER);
        return request.getRawInputContentsCount() > 0 || parameter != null && parameter.getBoolParam();
    }

    private static List<Object> readTyped(InferTensorContents contents, String name, TensorType type, int count) {
        List<Object> elements = new ArrayList<>(count);
        String field;
        switch (type) {
            case BOOL -> {
                field = "bool_contents";
                elements.addAll(contents.getBoolContentsList());
            }
            case INT8, INT16, INT32 -> {
                field = "int_contents";
                for (int value : contents.getIntContentsList()) {
                    int bits = type == TensorType.INT8 ? 8 : type == TensorType.INT16 ? 16 : 32;
                    if (bits < 32 && (value < -(1 << (bits - 1)) || value >= 1 << (bits - 1))) {
                        throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' element " + elements.size()
                                + " is " + value + ", out of the range of " + type, name);
                    }
                    elements.add((long) value);
                }
            }
            case INT64 -> {
                field = "int64_contents";
                elements.addAll(contents.getInt64ContentsList());
            }
            case UINT8, UINT16, UINT32 -> {
                field = "uint_contents";
                long max = type == TensorType.UINT8 ? 0xFF : type == TensorType.UINT16 ? 0xFFFF : 0xFFFF_FFFFL;
                for (int value : contents.getUintContentsList()) {
                    long unsigned = Integer.toUnsignedLong(value);
                    if (unsigned > max) {
                        throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' element " + elements.size()
                                + " is " + unsigned + ", out of the range of " + type, name);
                    }
                    elements.add(unsigned);
                }
            }
            case UINT64 -> {
                field = "uint64_contents";
                for (long value : contents.getUint64ContentsList()) {
                    elements.add(unsigned64(value));
                }
            }
            case FP32 -> {
                field = "fp32_contents";
                for (float value : contents.getFp32ContentsList()) {
                    elements.add((double) value);
                }
            }
            case FP64 -> {
                field = "fp64_contents";
                elements.addAll(contents.getFp64ContentsList());
            }
            case BYTES -> {
                field = "bytes_contents";
                for (ByteString value : contents.getBytesContentsList()) {
                    elements.add(value.toStringUtf8());
                }
            }
            default -> throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' is " + type
                    + ", which travels only as raw_input_contents", name);
        }
        if (elements.size() != count) {
            throw new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has " + count + " elements by its shape but "
                    + elements.size() + " in contents." + field + "; a " + type + " tensor's elements go in " + field, name);
        }
        return elements;
    }

    private static Object unsigned64(long value) {
        return value >= 0 ? (Object) value : (Object) Double.parseDouble(Long.toUnsignedString(value));
    }

    private static List<Object> readRaw(ByteString bytes, String name, TensorType type, int count) {
        ByteBuffer buffer = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<Object> elements = new ArrayList<>(count);
        if (type == TensorType.BYTES) {
            for (int i = 0; i < count; i++) {
                if (buffer.remaining() < 4) {
                    throw rawSize(name, type, count, bytes.size());
                }
                int length = buffer.getInt();
                if (length < 0 || buffer.remaining() < length) {
                    throw rawSize(name, type, count, bytes.size());
                }
                byte[] element = new byte[length];
                buffer.get(element);
                elements.add(new String(element, StandardCharsets.UTF_8));
            }
            if (buffer.hasRemaining()) {
                throw rawSize(name, type, count, bytes.size());
            }
            return elements;
        }
        if ((long) count * type.size() != bytes.size()) {
            throw rawSize(name, type, count, bytes.size());
        }
        for (int i = 0; i < count; i++) {
            elements.add(switch (type) {
                case BOOL -> buffer.get() != 0;
                case INT8 -> (long) buffer.get();
                case INT16 -> (long) buffer.getShort();
                case INT32 -> (long) buffer.getInt();
                case INT64 -> buffer.getLong();
                case UINT8 -> (long) Byte.toUnsignedInt(buffer.get());
                case UINT16 -> (long) Short.toUnsignedInt(buffer.getShort());
                case UINT32 -> Integer.toUnsignedLong(buffer.getInt());
                case UINT64 -> unsigned64(buffer.getLong());
                case FP16 -> (double) halfToFloat(buffer.getShort());
                case FP32 -> (double) buffer.getFloat();
                case FP64 -> buffer.getDouble();
                case BYTES -> throw new IllegalStateException("handled above");
            });
        }
        return elements;
    }

    private static CarraraException rawSize(String name, TensorType type, int count, int size) {
        String expected = type == TensorType.BYTES ? count + " length-prefixed strings"
                : (long) count * type.size() + " bytes (" + count + " x " + type.size() + ")";
        return new CarraraException(INVALID_ARGUMENT, "input '" + name + "' has " + size + " bytes of raw_input_contents"
                + " but its shape and datatype " + type + " need " + expected, name);
    }

    /** IEEE 754 half precision to single precision (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | mantissa << 13);
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    static ModelInferResponse response(InferenceOutcome outcome, boolean raw) {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                .setModelName(outcome.model())
                .setModelVersion(outcome.version());
        outcome.id().ifPresent(response::setId);
        if (outcome.predictionIds().stream().anyMatch(id -> !id.isEmpty())) {
            response.putParameters("prediction_ids",
                    InferParameter.newBuilder().setStringParam(String.join(",", outcome.predictionIds())).build());
        }
        for (Tensor tensor : outcome.outputs()) {
            ModelInferResponse.InferOutputTensor.Builder output = response.addOutputsBuilder()
                    .setName(tensor.name())
                    .setDatatype(tensor.type().name())
                    .addAllShape(tensor.shape());
            if (raw) {
                response.addRawOutputContents(raw(tensor));
            } else {
                output.setContents(typed(tensor));
            }
        }
        return response.build();
    }

    private static InferTensorContents typed(Tensor tensor) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (Object element : tensor.elements()) {
            switch (tensor.type()) {
                case BOOL -> contents.addBoolContents((Boolean) element);
                case INT8, INT16, INT32 -> contents.addIntContents(((Number) element).intValue());
                case INT64 -> contents.addInt64Contents(((Number) element).longValue());
                case FP32 -> contents.addFp32Contents(((Number) element).floatValue());
                case FP64 -> contents.addFp64Contents(((Number) element).doubleValue());
                case BYTES -> contents.addBytesContents(ByteString.copyFromUtf8((String) element));
                default -> throw new IllegalStateException("no output column is " + tensor.type());
            }
        }
        return contents.build();
    }

    private static ByteString raw(Tensor tensor) {
        if (tensor.type() == TensorType.BYTES) {
            ByteString.Output out = ByteString.newOutput();
            ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (Object element : tensor.elements()) {
                byte[] bytes = ((String) element).getBytes(StandardCharsets.UTF_8);
                length.clear();
                out.write(length.putInt(bytes.length).array(), 0, 4);
                out.write(bytes, 0, bytes.length);
            }
            return out.toByteString();
        }
        ByteBuffer buffer = ByteBuffer.allocate(tensor.elements().size() * tensor.type().size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Object element : tensor.elements()) {
            switch (tensor.type()) {
                case BOOL -> buffer.put((byte) ((Boolean) element ? 1 : 0));
                case INT8 -> buffer.put(((Number) element).byteValue());
                case INT16 -> buffer.putShort(((Number) element).shortValue());
                case INT32 -> buffer.putInt(((Number) element).intValue());
                case INT64 -> buffer.putLong(((Number) element).longValue());
                case FP32 -> buffer.putFloat(((Number) element).floatValue());
                case FP64 -> buffer.putDouble(((Number) element).doubleValue());
                default -> throw new IllegalStateException("no output column is " + tensor.type());
            }
        }
        buffer.flip();
        return ByteString.copyFrom(buffer);
    }
}
