package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.api.feature.FeatureEntity;
import io.carrara.api.feature.FeatureLoadReport;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The online feature store: entities by group and key, and bulk loads. Reached through
 * {@link CarraraClient#features()}.
 */
public final class FeaturesClient {
    private final Transport transport;

    FeaturesClient(Transport transport) {
        this.transport = transport;
    }

    // ---- online features

    /** Merges {@code features} into the entity {@code key} of {@code group}; a null value removes a feature. */
    public FeatureEntity put(String group, String key, Map<String, ?> features) {
        requireNonNull(features, "features is null");
        byte[] body;
        try {
            body = transport.json.writeValueAsBytes(features);
        } catch (IOException e) {
            throw new CarraraException(INVALID_ARGUMENT, "features cannot be written as JSON: " + e.getMessage(), "features");
        }
        return featureEntity(transport.call(transport.request(featurePath(group, key)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), transport.type(JsonNode.class)));
    }

    /** The entity's features, all of them when {@code features} is empty; NOT_FOUND when it has none of them. */
    public FeatureEntity get(String group, String key, List<String> features) {
        requireNonNull(features, "features is null");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("features", features.isEmpty() ? null : String.join(",", features));
        return featureEntity(transport.call(transport.request(Transport.withQuery(featurePath(group, key), parameters)).GET(), transport.type(JsonNode.class)));
    }

    /** Removes the entity and all its features; NOT_FOUND when it has none. */
    public void delete(String group, String key) {
        HttpResponse<byte[]> response = transport.send(transport.request(featurePath(group, key)).timeout(transport.requestTimeout).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw transport.errorOf(response.statusCode(), response.body());
        }
    }

    /**
     * Streams a JSON Lines or CSV file into the feature group, {@code keyColumn} naming the column
     * that holds each row's key; {@code progress} follows the bytes sent. Bad rows do not stop the
     * load: the report lists them with their line numbers.
     */
    public FeatureLoadReport load(String group, Path file, String keyColumn, String format,
            TransferProgress progress) {
        requireNonNull(keyColumn, "keyColumn is null");
        requireNonNull(format, "format is null");
        requireNonNull(progress, "progress is null");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("key", keyColumn);
        parameters.put("format", format);
        return transport.uploadFile(file, Transport.withQuery("/api/v1/features/" + Names.checkName(group, "group"), parameters),
                "application/octet-stream", progress, FeatureLoadReport.class);
    }

    private FeatureEntity featureEntity(JsonNode answer) {
        Map<String, Object> features = new LinkedHashMap<>();
        answer.path("features").fields().forEachRemaining(field -> features.put(field.getKey(), featureValue(field.getValue())));
        return new FeatureEntity(answer.path("group").asText(), answer.path("key").asText(), features);
    }

    private static Object featureValue(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            value.forEach(item -> items.add(featureValue(item)));
            return java.util.Collections.unmodifiableList(items);
        }
        return null;
    }

    private static String featurePath(String group, String key) {
        if (key == null || key.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, "key is required", "key");
        }
        return "/api/v1/features/" + Names.checkName(group, "group") + "/"
                + URLEncoder.encode(key, UTF_8).replace("+", "%20");
    }
}
