package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** An input or output of a model as model metadata describes it; -1 marks a variable dimension. */
public record TensorMetadata(String name, TensorType type, List<Long> shape) {
    public TensorMetadata {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        shape = List.copyOf(requireNonNull(shape, "shape is null"));
    }
}
