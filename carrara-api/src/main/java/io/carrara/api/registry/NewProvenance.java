package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.InvalidWireValue;
import io.carrara.api.WireCopies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The provenance an upload sends. Format 2 is {@code {"fileName"?, "client": {…}, "training"?: {…},
 * "extra": {…}}}; format 1, which older clients send, is one flat string map and is read into the same
 * fields as {@link Provenance#fromVersion1} reads a stored one (the file name, the client's JVM and
 * machine, the rest in {@code extra}). A body is format 2 when one of its values is an object.
 */
public record NewProvenance(String fileName, Map<String, String> client, Provenance.Training training,
        Map<String, String> extra) {
    /** What the server records itself; a client that sends one is refused, naming it. */
    private static final List<String> SERVER_RECORDED =
            List.of("uploader", "uploadedAt", "server", "propagatedFrom", "propagatedAt");
    private static final List<String> VERSION2_FIELDS = List.of("formatVersion", "fileName", "client", "training", "extra");
    private static final List<String> TRAINING_FIELDS = List.of("dataRef", "codeRef", "seeds", "frameworks");

    public NewProvenance {
        client = WireCopies.map(client);
        extra = WireCopies.map(extra);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static NewProvenance fromWire(Map<String, Object> body) {
        if (body == null) {
            return new NewProvenance(null, Map.of(), null, Map.of());
        }
        for (String recorded : SERVER_RECORDED) {
            if (body.containsKey(recorded)) {
                throw new InvalidWireValue(recorded, "provenance." + recorded + " is recorded by the server; leave it out"
                        + " (a client may send fileName, client, training and extra)");
            }
        }
        boolean version2 = body.containsKey("formatVersion") || body.values().stream().anyMatch(value -> value instanceof Map);
        if (!version2) {
            // Format 1: a flat map whose values are strings (numbers and booleans are taken as their text).
            Map<String, String> client = new TreeMap<>();
            Map<String, String> extra = new TreeMap<>();
            body.forEach((key, value) -> {
                if (!key.equals("fileName")) {
                    (Provenance.VERSION1_CLIENT_KEYS.contains(key) ? client : extra).put(key, scalar(key, value));
                }
            });
            return new NewProvenance(scalar("fileName", body.get("fileName")), client, null, extra);
        }
        for (String key : body.keySet()) {
            if (!VERSION2_FIELDS.contains(key)) {
                throw new InvalidWireValue(key, "unknown field 'provenance." + key + "'; a client may send "
                        + String.join(", ", VERSION2_FIELDS));
            }
        }
        Object version = body.get("formatVersion");
        if (version != null && !(version instanceof Integer number && number == Provenance.FORMAT_VERSION)) {
            throw new InvalidWireValue("formatVersion", "provenance.formatVersion " + version + " is not supported: send "
                    + Provenance.FORMAT_VERSION + ", or a flat map of strings (format 1)");
        }
        return new NewProvenance(text("fileName", body.get("fileName")), strings("client", body.get("client")),
                training(body.get("training")), strings("extra", body.get("extra")));
    }

    /**
     * The flat string map of format 1: {@code fileName}, the client's values and {@code extra} under
     * their own keys, the training under {@code training.*}. Reads back through {@link #fromWire} and
     * {@link Provenance#fromVersion1} to the same fields, the training aside.
     */
    public Map<String, String> toVersion1() {
        return new Provenance(Provenance.FORMAT_VERSION, null, null, fileName, client, Map.of(), training, null, null, extra)
                .toVersion1();
    }

    /** Format 2, as a client sends it. */
    @JsonValue
    Map<String, Object> toWire() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (fileName != null) {
            body.put("fileName", fileName);
        }
        body.put("client", client);
        if (training != null) {
            body.put("training", training);
        }
        body.put("extra", extra);
        return body;
    }

    /** A format-1 value: a string, or a number or boolean taken as its text. */
    private static String scalar(String field, Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value == null ? null : value.toString();
        }
        throw new InvalidWireValue(field, "provenance." + field + " must be a string: format 1 is a flat map of strings");
    }

    private static String text(String field, Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new InvalidWireValue(field, "provenance." + field + " must be a string");
    }

    /** An object of strings at {@code field}; absent is empty. */
    private static Map<String, String> strings(String field, Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidWireValue(field, "provenance." + field + " must be a JSON object of strings");
        }
        Map<String, String> strings = new TreeMap<>();
        map.forEach((key, item) -> strings.put(String.valueOf(key), text(field + "." + key, item)));
        return strings;
    }

    private static Provenance.Training training(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidWireValue("training", "provenance.training must be a JSON object");
        }
        for (Object key : map.keySet()) {
            if (!TRAINING_FIELDS.contains(String.valueOf(key))) {
                throw new InvalidWireValue("training." + key, "unknown field 'provenance.training." + key + "'; known fields: "
                        + String.join(", ", TRAINING_FIELDS));
            }
        }
        Map<String, Long> seeds = new TreeMap<>();
        Object given = map.get("seeds");
        if (given != null && !(given instanceof Map)) {
            throw new InvalidWireValue("training.seeds", "provenance.training.seeds must be a JSON object of whole numbers");
        }
        if (given instanceof Map<?, ?> named) {
            named.forEach((name, seed) -> seeds.put(String.valueOf(name), seed(String.valueOf(name), seed)));
        }
        return new Provenance.Training(text("training.dataRef", map.get("dataRef")), text("training.codeRef", map.get("codeRef")),
                seeds, strings("training.frameworks", map.get("frameworks")));
    }

    private static long seed(String name, Object seed) {
        if (seed instanceof Long || seed instanceof Integer || seed instanceof Short || seed instanceof Byte) {
            return ((Number) seed).longValue();
        }
        if (seed instanceof String text) {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                // Answered below.
            }
        }
        throw new InvalidWireValue("training.seeds." + name, "provenance.training.seeds." + name
                + " is not a whole number; a seed is a 64-bit integer such as 42");
    }
}
