package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * An inference request, decoded from JSON or protobuf: the optional request id to echo, one tensor
 * per input column, and the output columns asked for (empty: every column the pipeline adds).
 */
public record InferenceCall(Optional<String> id, List<Tensor> inputs, List<String> outputs) {
    public InferenceCall {
        requireNonNull(id, "id is null");
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    }
}
