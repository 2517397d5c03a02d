package io.carrara.api.predict;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.carrara.api.error.ErrorBody;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The answer of {@code POST /api/v1/deployments/{name}/predict}: one entry of {@code predictions} per
 * request row, in order, each a JSON object whose fields depend on the model — the scored row (its
 * input fields and the columns the model added), {@code {"skipped": true}}, or a failed row's error
 * ({@code {"error": "…", "code", "number", "type", "message", "column"?}}, read by {@link #error}).
 * {@code instance} is set when one instance scored every row; {@code instances} and
 * {@code predictionIds} (null for a row that was not logged) have one entry per row.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictResponse(List<Map<String, Object>> predictions, UUID instance, List<UUID> instances,
        List<String> predictionIds) {
    public PredictResponse {
        requireNonNull(predictions, "predictions is null");
        predictions = Collections.unmodifiableList(new ArrayList<>(predictions));
        instances = instances == null ? List.of() : List.copyOf(instances);
        // A row that was not logged has no id: the list holds nulls, so it is not List.copyOf'd.
        predictionIds = predictionIds == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(predictionIds));
    }

    /** Whether row {@code row} was skipped by the model (its {@code handleInvalid=skip}). */
    public boolean skipped(int row) {
        Map<String, Object> prediction = predictions.get(row);
        return Boolean.TRUE.equals(prediction.get("skipped")) && prediction.size() == 1;
    }

    /**
     * Why row {@code row} failed, empty for a scored or skipped row. A server older than the error
     * protocol sends only {@code error} (the message) and {@code column}: {@code code} is then
     * {@code ROW_INVALID} and {@code number} and {@code type} are null.
     */
    public Optional<ErrorBody> error(int row) {
        return errorOf(predictions.get(row));
    }

    /** The error of one entry of {@code predictions}, as {@link #error} reads it. */
    public static Optional<ErrorBody> errorOf(Map<String, Object> prediction) {
        requireNonNull(prediction, "prediction is null");
        Object error = prediction.get("error");
        if (error == null) {
            return Optional.empty();
        }
        Object code = prediction.get("code");
        Object number = prediction.get("number");
        Object type = prediction.get("type");
        Object message = prediction.get("message");
        Object column = prediction.get("column");
        return Optional.of(new ErrorBody(code == null ? "ROW_INVALID" : code.toString(),
                number instanceof Integer value ? value : null, type == null ? null : type.toString(),
                (message == null ? error : message).toString(), null, column == null ? null : column.toString()));
    }
}
