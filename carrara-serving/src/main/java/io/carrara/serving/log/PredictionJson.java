package io.carrara.serving.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.json.JsonRows;
import java.util.Map;

/** The JSON form of logged rows, the same as {@code carrara score} prints. */
final class PredictionJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PredictionJson() {}

    static ObjectNode object(Map<String, Object> values) {
        ObjectNode node = NODES.objectNode();
        values.forEach((name, value) -> node.set(name, value(value)));
        return node;
    }

    private static JsonNode value(Object value) {
        if (value instanceof Map<?, ?> map) {
            // A nested object passed through from the request.
            ObjectNode node = NODES.objectNode();
            map.forEach((name, element) -> node.set(String.valueOf(name), value(element)));
            return node;
        }
        try {
            return JsonRows.toJson(value);
        } catch (IllegalArgumentException e) {
            return NODES.textNode(String.valueOf(value));
        }
    }
}
