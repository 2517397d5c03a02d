package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.InvalidWireValue;
import io.carrara.api.WireCopies;
import java.util.LinkedHashMap;
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
    private static final java.util.List<String> SERVER_RECORDED =
            java.util.List.of("uploader", "uploadedAt", "server", "propagatedFrom", "propagatedAt");

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
            Map<String, String> flat = new TreeMap<>();
            body.forEach((key, value) -> flat.put(key, value == null ? null : value.toString()));
            Map<String, String> client = new TreeMap<>();
            Map<String, String> extra = new TreeMap<>();
            flat.forEach((key, value) -> {
                if (!key.equals("fileName")) {
                    (Provenance.VERSION1_CLIENT_KEYS.contains(key) ? client : extra).put(key, value);
                }
            });
            return new NewProvenance(flat.get("fileName"), client, null, extra);
        }
        Map<String, String> extra = new TreeMap<>(strings(body.get("extra")));
        body.forEach((key, value) -> {
            if (!(value instanceof Map) && !key.equals("fileName") && !key.equals("formatVersion") && value != null) {
                extra.put(key, value.toString());
            }
        });
        return new NewProvenance(body.get("fileName") == null ? null : body.get("fileName").toString(),
                strings(body.get("client")), training(body.get("training")), extra);
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

    private static Map<String, String> strings(Object value) {
        Map<String, String> strings = new TreeMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> strings.put(String.valueOf(key), item == null ? null : item.toString()));
        }
        return strings;
    }

    private static Provenance.Training training(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, Long> seeds = new TreeMap<>();
        if (map.get("seeds") instanceof Map<?, ?> given) {
            given.forEach((name, seed) -> seeds.put(String.valueOf(name), seed(String.valueOf(name), seed)));
        }
        return new Provenance.Training(map.get("dataRef") == null ? null : map.get("dataRef").toString(),
                map.get("codeRef") == null ? null : map.get("codeRef").toString(), seeds, strings(map.get("frameworks")));
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
