package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A named tensor as both wire forms (JSON and protobuf) carry it: its data type, its shape, and
 * its elements flattened in row-major order as plain Java values (Boolean, Long, Float, Double,
 * String; null only where a REST request sent null for a missing value).
 */
public record Tensor(String name, TensorType type, List<Long> shape, List<Object> elements) {
    public Tensor {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        shape = List.copyOf(requireNonNull(shape, "shape is null"));
        // Elements may be null, which List.copyOf refuses.
        elements = Collections.unmodifiableList(Arrays.asList(requireNonNull(elements, "elements is null").toArray()));
        if (elementCount(shape) != elements.size()) {
            throw new IllegalArgumentException("tensor " + name + " of shape " + shape + " has " + elements.size() + " elements");
        }
    }

    /** The number of elements a shape holds; -1 when a dimension is negative or the count overflows. */
    public static long elementCount(List<Long> shape) {
        long count = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                return -1;
            }
            try {
                count = Math.multiplyExact(count, dimension);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return count;
    }

    /** The first dimension: the number of rows this tensor holds a value for. */
    public long rows() {
        return shape.isEmpty() ? 1 : shape.get(0);
    }
}
