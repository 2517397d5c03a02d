package io.carrara.server.oip;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.schema.DataType;
import io.carrara.spi.error.CarraraException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Open Inference Protocol's tensor data types, with the element size its raw (binary) form
 * uses; BYTES elements are variable-length, each preceded by a 4-byte little-endian length.
 */
public enum TensorType {
    BOOL(1),
    UINT8(1),
    UINT16(2),
    UINT32(4),
    UINT64(8),
    INT8(1),
    INT16(2),
    INT32(4),
    INT64(8),
    FP16(2),
    FP32(4),
    FP64(8),
    BYTES(-1);

    private final int size;

    TensorType(int size) {
        this.size = size;
    }

    /** Bytes per element in raw form; -1 for BYTES. */
    public int size() {
        return size;
    }

    public boolean isInteger() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64
                || this == INT8 || this == INT16 || this == INT32 || this == INT64;
    }

    public boolean isFloatingPoint() {
        return this == FP16 || this == FP32 || this == FP64;
    }

    public boolean isNumeric() {
        return isInteger() || isFloatingPoint();
    }

    /** The data type a request names; data types are case-sensitive, as the protocol says. */
    public static TensorType of(String name, String input) {
        for (TensorType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new CarraraException(INVALID_ARGUMENT, "input '" + input + "' has datatype '" + name + "'; use one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")), input);
    }

    /**
     * The data type a column of this type travels as: numbers keep their width, strings are BYTES,
     * vectors and arrays are FP64 or BYTES tensors with one more dimension.
     */
    public static TensorType of(DataType type) {
        return switch (type) {
            case BOOLEAN -> BOOL;
            case BYTE -> INT8;
            case SHORT -> INT16;
            case INTEGER -> INT32;
            case LONG -> INT64;
            case FLOAT -> FP32;
            case DOUBLE, VECTOR, DOUBLE_ARRAY, VECTOR_ARRAY -> FP64;
            case STRING, STRING_ARRAY -> BYTES;
        };
    }
}
