package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What {@code GET /v2/models/{name}} and the ModelMetadata RPC answer: versions are instance ids. */
public record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
        List<TensorMetadata> outputs) {
    public ModelMetadata {
        requireNonNull(name, "name is null");
        versions = List.copyOf(requireNonNull(versions, "versions is null"));
        requireNonNull(platform, "platform is null");
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    }
}
