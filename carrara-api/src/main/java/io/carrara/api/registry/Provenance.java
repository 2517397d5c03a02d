package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.carrara.api.WireCopies;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Where an instance came from, format 2: who uploaded it when, the uploaded file's name, what the
 * uploading client and the storing server ran on, how it was trained, where a propagated instance was
 * copied from, and an open map for the rest.
 *
 * <pre>{@code
 * {"formatVersion": 2, "uploader": "alice", "uploadedAt": "2026-12-06T20:00:00Z", "fileName": "model.txt",
 *  "client": {"carraraVersion": "0.1.0", "javaVersion": "17.0.15", "os": "Linux", "arch": "amd64"},
 *  "server": {…}, "training": {"dataRef": …, "codeRef": …, "seeds": {…}, "frameworks": {…}},
 *  "propagatedFrom": "uuid", "propagatedAt": "…", "extra": {…}}
 * }</pre>
 *
 * Format 1, the flat string map that instances recorded before, is read through {@link #fromVersion1};
 * a golden file of a format-1 instance is read by a test, and every later release must keep reading it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(
        int formatVersion,
        String uploader,
        Instant uploadedAt,
        String fileName,
        Map<String, String> client,
        Map<String, String> server,
        Training training,
        UUID propagatedFrom,
        Instant propagatedAt,
        Map<String, String> extra) {
    public static final int FORMAT_VERSION = 2;

    /** The keys of a format-1 map that described the uploading client's JVM and machine. */
    public static final Set<String> VERSION1_CLIENT_KEYS =
            Set.of("carraraVersion", "javaVersion", "javaVendor", "os", "osVersion", "arch");

    public Provenance {
        client = WireCopies.map(client);
        server = WireCopies.map(server);
        extra = WireCopies.map(extra);
    }

    /** How an instance was trained: references to its data and code, its seeds and its frameworks' versions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Training(String dataRef, String codeRef, Map<String, Long> seeds, Map<String, String> frameworks) {
        public Training {
            seeds = WireCopies.map(seeds);
            frameworks = WireCopies.map(frameworks);
        }
    }

    /**
     * Reads a format-1 provenance, a flat string map: {@code uploader}, {@code uploadedAt},
     * {@code fileName}, {@code propagatedFrom} and {@code propagatedAt} to their fields, the client's
     * JVM and machine ({@link #VERSION1_CLIENT_KEYS}) to {@code client}, the rest to {@code extra}.
     * Format 1 did not tell the client's values from the server's (the client's won), so {@code server}
     * stays empty. A time or id that does not parse stays in {@code extra} under its key rather than
     * failing the whole instance.
     */
    public static Provenance fromVersion1(Map<String, String> flat) {
        requireNonNull(flat, "flat is null");
        Map<String, String> client = new TreeMap<>();
        Map<String, String> extra = new TreeMap<>();
        String uploader = null;
        String fileName = null;
        Instant uploadedAt = null;
        Instant propagatedAt = null;
        UUID propagatedFrom = null;
        for (Map.Entry<String, String> entry : new TreeMap<>(flat).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            switch (key) {
                case "uploader" -> uploader = value;
                case "fileName" -> fileName = value;
                case "uploadedAt" -> uploadedAt = instantOrNull(value);
                case "propagatedAt" -> propagatedAt = instantOrNull(value);
                case "propagatedFrom" -> propagatedFrom = uuidOrNull(value);
                default -> (VERSION1_CLIENT_KEYS.contains(key) ? client : extra).put(key, value);
            }
            boolean unparsed = (key.equals("uploadedAt") && uploadedAt == null && value != null)
                    || (key.equals("propagatedAt") && propagatedAt == null && value != null)
                    || (key.equals("propagatedFrom") && propagatedFrom == null && value != null);
            if (unparsed) {
                extra.put(key, value);
            }
        }
        return new Provenance(FORMAT_VERSION, uploader, uploadedAt, fileName, client, Map.of(), null, propagatedFrom,
                propagatedAt, extra);
    }

    /**
     * This provenance as one flat map in format 1's keys, sorted: the named fields, then {@code server},
     * {@code client} (a client's value wins over the server's, as format 1 recorded them), {@code extra},
     * and the training under {@code training.*}. For people reading one line per value, and for stores
     * that still keep format 1.
     */
    public Map<String, String> toVersion1() {
        Map<String, String> flat = new TreeMap<>();
        flat.putAll(server);
        flat.putAll(client);
        flat.putAll(extra);
        if (training != null) {
            if (training.dataRef() != null) {
                flat.put("training.dataRef", training.dataRef());
            }
            if (training.codeRef() != null) {
                flat.put("training.codeRef", training.codeRef());
            }
            training.seeds().forEach((name, seed) -> flat.put("training.seeds." + name, Long.toString(seed)));
            training.frameworks().forEach((name, version) -> flat.put("training.frameworks." + name, version));
        }
        putIfPresent(flat, "uploader", uploader);
        putIfPresent(flat, "uploadedAt", uploadedAt);
        putIfPresent(flat, "fileName", fileName);
        putIfPresent(flat, "propagatedFrom", propagatedFrom);
        putIfPresent(flat, "propagatedAt", propagatedAt);
        return java.util.Collections.unmodifiableMap(flat);
    }

    private static void putIfPresent(Map<String, String> map, String key, Object value) {
        if (value != null) {
            map.put(key, value.toString());
        }
    }

    private static Instant instantOrNull(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static UUID uuidOrNull(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
