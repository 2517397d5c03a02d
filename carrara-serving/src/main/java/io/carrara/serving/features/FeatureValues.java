package io.carrara.serving.features;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for feature names and values, shared by every store and by the HTTP API, so that a
 * value means the same wherever it was written. A value is a {@code Long}, {@code Double},
 * {@code String} or {@code Boolean}, or an unmodifiable {@code List} of non-null such scalars;
 * other integral types widen to {@code Long} and {@code Float}/{@code BigDecimal} to
 * {@code Double}. Stored as JSON text, a whole number stays a long ({@code 12}) and a double stays
 * a double ({@code 12.0}).
 */
public final class FeatureValues {
    /** Longest entity key accepted; keys are identifiers (a driver id), not documents. */
    public static final int MAX_KEY_LENGTH = 512;

    private static final Pattern FEATURE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FeatureValues() {}

    /** Returns {@code group} if it is a valid group name (the rule of project and model names). */
    public static String checkGroup(String group) {
        return Names.checkName(group, "group");
    }

    /** Returns {@code key} if it is a valid entity key: 1 to 512 characters, no control characters. */
    public static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, "key is required: the entity's id, e.g. a driver id", "key");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "key is " + key.length() + " characters long; keys have at most " + MAX_KEY_LENGTH, "key");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw new CarraraException(INVALID_ARGUMENT, "key must not contain control characters", "key");
        }
        return key;
    }

    /** Returns {@code name} if it is a valid feature name: 1 to 128 of {@code A-Z a-z 0-9 _ . -}. */
    public static String checkFeature(String name) {
        if (name == null || name.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, "feature names must not be empty", "features");
        }
        if (!FEATURE_NAME.matcher(name).matches()) {
            String shown = name.length() <= 130 ? name : name.substring(0, 128) + "…";
            throw new CarraraException(INVALID_ARGUMENT,
                    "feature name '" + shown + "' is not valid: use 1 to 128 letters, digits, '_', '.' or '-',"
                            + " not starting with '.' or '-'",
                    shown);
        }
        return name;
    }

    /** Checks a list of feature names to read, removing duplicates and keeping the order. */
    public static List<String> checkFeatures(Collection<String> names) {
        if (names == null) {
            throw new CarraraException(INVALID_ARGUMENT, "features is null; pass an empty list for all", "features");
        }
        List<String> checked = new ArrayList<>(names.size());
        for (String name : names) {
            if (!checked.contains(checkFeature(name))) {
                checked.add(name);
            }
        }
        return List.copyOf(checked);
    }

    /**
     * Checks and normalises writes for {@link FeatureStore#putAll}: keys, feature names and values,
     * in the input's order; a null value (a removal) is kept as null.
     */
    public static Map<String, Map<String, Object>> checkWrites(Map<String, ? extends Map<String, ?>> featuresByKey) {
        if (featuresByKey == null) {
            throw new CarraraException(INVALID_ARGUMENT, "features are required", "features");
        }
        Map<String, Map<String, Object>> writes = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Map<String, ?>> entity : featuresByKey.entrySet()) {
            String key = checkKey(entity.getKey());
            if (entity.getValue() == null) {
                throw new CarraraException(INVALID_ARGUMENT, "the features of key '" + key + "' are null", "features");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, ?> feature : entity.getValue().entrySet()) {
                String name = checkFeature(feature.getKey());
                values.put(name, normalize(name, feature.getValue()));
            }
            writes.put(key, Collections.unmodifiableMap(values));
        }
        return writes;
    }

    /** The stored form of a value, or null for null; throws naming {@code feature} for anything else. */
    public static Object normalize(String feature, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            return finite(feature, ((Number) value).doubleValue());
        }
        if (value instanceof BigInteger big) {
            if (big.bitLength() >= 64) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "feature " + feature + " is " + big + ", outside the range of a 64-bit integer", feature);
            }
            return big.longValue();
        }
        if (value instanceof BigDecimal decimal) {
            return finite(feature, decimal.doubleValue());
        }
        if (value instanceof JsonNode node) {
            return fromJson(feature, node);
        }
        if (value instanceof Collection<?> || value instanceof Object[]) {
            Iterable<?> items = value instanceof Object[] array ? List.of(array) : (Collection<?>) value;
            List<Object> list = new ArrayList<>();
            for (Object item : items) {
                Object element = normalize(feature, item);
                if (element == null || element instanceof List) {
                    throw new CarraraException(INVALID_ARGUMENT, "feature " + feature
                            + " is an array with a " + (element == null ? "null" : "nested array")
                            + "; arrays hold numbers, strings or booleans only", feature);
                }
                list.add(element);
            }
            return Collections.unmodifiableList(list);
        }
        throw new CarraraException(INVALID_ARGUMENT, "feature " + feature + " is a " + value.getClass().getSimpleName()
                + "; values are numbers, strings, booleans, arrays of those, or null", feature);
    }

    /** A JSON value as a feature value: integral numbers become longs, other numbers doubles. */
    public static Object fromJson(String feature, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "feature " + feature + " is " + node.asText() + ", outside the range of a 64-bit integer", feature);
            }
            return node.longValue();
        }
        if (node.isNumber()) {
            return finite(feature, node.doubleValue());
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                if (item.isNull() || item.isContainerNode()) {
                    throw new CarraraException(INVALID_ARGUMENT, "feature " + feature + " is an array holding "
                            + (item.isNull() ? "a null" : "an " + (item.isArray() ? "array" : "object"))
                            + "; arrays hold numbers, strings or booleans only", feature);
                }
                list.add(fromJson(feature, item));
            }
            return Collections.unmodifiableList(list);
        }
        throw new CarraraException(INVALID_ARGUMENT, "feature " + feature
                + " is a JSON object; features are flat: store its fields as features of their own", feature);
    }

    /**
     * Parses a JSON object of features, e.g. {@code {"trips_7d": 12, "rating": 4.8}}, into checked
     * values (nulls kept), reporting bad JSON against {@code field}.
     */
    public static Map<String, Object> parseObject(String json, String field) {
        JsonNode node;
        try {
            node = json == null || json.isBlank() ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is not valid JSON: " + e.getOriginalMessage(), field);
        }
        if (node == null || !node.isObject()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + " must be a JSON object of features, e.g. {\"trips_7d\": 12, \"rating\": 4.8}", field);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> feature = fields.next();
            values.put(checkFeature(feature.getKey()), fromJson(feature.getKey(), feature.getValue()));
        }
        return values;
    }

    /** The JSON text of one normalised value, as stored in a Redis hash field. */
    static String encode(Object value) {
        return toNode(value).toString();
    }

    /** The value of {@link #encode}'s text; {@code feature} names it in a corruption error. */
    static Object decode(String feature, String json) {
        try {
            return fromJson(feature, JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored feature " + feature + " is not valid JSON: " + json, e);
        }
    }

    /** An entity's features as one JSON object, sorted by name. */
    static String encodeEntity(Map<String, Object> features) {
        ObjectNode node = NODES.objectNode();
        new TreeMap<>(features).forEach((name, value) -> node.set(name, toNode(value)));
        return node.toString();
    }

    /** The features of {@link #encodeEntity}'s text, sorted by name. */
    static Map<String, Object> decodeEntity(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            Map<String, Object> features = new TreeMap<>();
            node.fields().forEachRemaining(field -> features.put(field.getKey(), fromJson(field.getKey(), field.getValue())));
            return features;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored entity is not valid JSON: " + json, e);
        }
    }

    private static JsonNode toNode(Object value) {
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Double number) {
            return NODES.numberNode(number);
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode(list.size());
            list.forEach(item -> array.add(toNode(item)));
            return array;
        }
        throw new IllegalArgumentException("not a normalised feature value: " + value);
    }

    private static double finite(String feature, double value) {
        if (!Double.isFinite(value)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "feature " + feature + " is " + value + "; JSON and the stores hold finite numbers only", feature);
        }
        return value;
    }
}
