package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A scored batch as an inference response carries it: the model, the version (instance id) that
 * scored it, the echoed request id, one tensor per output column, and per row its prediction-log
 * id, empty for a row that was not sampled into the log.
 */
public record InferenceOutcome(String model, String version, Optional<String> id, List<Tensor> outputs,
        List<String> predictionIds) {
    public InferenceOutcome {
        requireNonNull(model, "model is null");
        requireNonNull(version, "version is null");
        requireNonNull(id, "id is null");
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        predictionIds = List.copyOf(requireNonNull(predictionIds, "predictionIds is null"));
    }
}
