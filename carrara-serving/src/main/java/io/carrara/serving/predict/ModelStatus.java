package io.carrara.serving.predict;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.schema.Field;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A deployment as a protocol describes it: its instances (OIP "versions"), the artifact format
 * (OIP "platform"), whether it can serve, why not, and the input and output columns when known.
 */
public record ModelStatus(
        String name,
        List<UUID> instances,
        String platform,
        boolean ready,
        Optional<String> reason,
        List<Field> inputs,
        List<Field> outputs) {
    public ModelStatus {
        requireNonNull(name, "name is null");
        instances = List.copyOf(requireNonNull(instances, "instances is null"));
        requireNonNull(platform, "platform is null");
        requireNonNull(reason, "reason is null");
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    }
}
