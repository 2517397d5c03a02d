package io.carrara.registry.model;

import static io.carrara.registry.model.FieldChecks.MAX_PROVENANCE_VALUE;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.spi.error.CarraraException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Where an instance comes from (Tribuo-style provenance), format version {@value #FORMAT_VERSION}:
 * who uploaded it and when, the uploaded file's name, what the uploading client and the server said
 * of themselves, how it was trained, whether it was propagated from an upstream instance, and an
 * open map for anything else.
 *
 * <pre>{@code
 * {"formatVersion": 2, "uploader": "alice", "uploadedAt": "2026-12-06T20:00:00Z", "fileName": "model.txt",
 *  "client": {"carraraVersion": "0.1.0", "javaVersion": "17.0.15", "os": "Linux", "arch": "amd64"},
 *  "server": {"carraraVersion": "0.1.0", "javaVersion": "17.0.15", "javaVendor": "...", "os": "Linux", ...},
 *  "training": {"dataRef": "hive://trips/2026-11-01", "codeRef": "git:abc123", "seeds": {"split": 42},
 *               "frameworks": {"scikit-learn": "1.5.2"}},
 *  "propagatedFrom": "uuid", "propagatedAt": "2026-12-06T20:00:01Z", "extra": {"any": "string"}}
 * }</pre>
 *
 * Format 1 (every instance stored before format 2) was one flat string map; {@link #fromJson} reads
 * both, telling them apart by {@code formatVersion}: a number in format 2, absent (or a string a user
 * chose as a key) in format 1, whose values were all strings. {@code fileName}, {@code training}
 * and the propagation fields are absent when they have no value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"formatVersion", "uploader", "uploadedAt", "fileName", "client", "server", "training", "propagatedFrom",
        "propagatedAt", "extra"})
public record Provenance(
        String uploader,
        Instant uploadedAt,
        String fileName,
        Map<String, String> client,
        Map<String, String> server,
        Training training,
        UUID propagatedFrom,
        Instant propagatedAt,
        Map<String, String> extra) {
    /** The format this record is written in. */
    public static final int FORMAT_VERSION = 2;

    private static final Set<String> FIELDS = Set.of("formatVersion", "uploader", "uploadedAt", "fileName", "client", "server",
            "training", "propagatedFrom", "propagatedAt", "extra");
    /** The format-1 keys that described a JVM: the server's, overridden by the client's when it sent them. */
    private static final List<String> VERSION_1_RUNTIME_KEYS =
            List.of("carraraVersion", "javaVersion", "javaVendor", "os", "osVersion", "arch");

    public Provenance {
        FieldChecks.checkShort(uploader, "provenance.uploader");
        FieldChecks.checkValue(fileName, "provenance.fileName", MAX_PROVENANCE_VALUE);
        client = FieldChecks.checkMap(client, "provenance.client", MAX_PROVENANCE_VALUE);
        server = FieldChecks.checkMap(server, "provenance.server", MAX_PROVENANCE_VALUE);
        extra = FieldChecks.checkMap(extra, "provenance.extra", MAX_PROVENANCE_VALUE);
        if (training != null && training.isEmpty()) {
            training = null;
        }
    }

    /** No provenance at all: what a request without one carries. */
    public static Provenance empty() {
        return new Provenance(null, null, null, null, null, null, null, null, null);
    }

    /** What a client may say of an upload: the file's name, itself, the training and anything else. */
    public static Provenance ofClient(String fileName, Map<String, String> client, Training training, Map<String, String> extra) {
        return new Provenance(null, null, fileName, client, null, training, null, null, extra);
    }

    @JsonProperty("formatVersion")
    public int formatVersion() {
        return FORMAT_VERSION;
    }

    /** This provenance as recorded by a server: who uploaded, when, and the server's own runtime. */
    public Provenance uploaded(String uploader, Instant uploadedAt, Map<String, String> server) {
        return new Provenance(uploader, uploadedAt, fileName, client, server, training, propagatedFrom, propagatedAt, extra);
    }

    /** This provenance on an instance made by dependency propagation from {@code from}. */
    public Provenance propagated(UUID from, Instant at) {
        return new Provenance(uploader, uploadedAt, fileName, client, server, training, from, at, extra);
    }

    /** The runtime of this JVM, as a server records it under {@code server}. */
    public static Map<String, String> thisProcess() {
        Map<String, String> values = new TreeMap<>();
        String version = Provenance.class.getPackage().getImplementationVersion();
        values.put("carraraVersion", version == null ? "dev" : version);
        values.put("javaVersion", System.getProperty("java.version"));
        values.put("javaVendor", System.getProperty("java.vendor"));
        values.put("os", System.getProperty("os.name"));
        values.put("osVersion", System.getProperty("os.version"));
        values.put("arch", System.getProperty("os.arch"));
        return Map.copyOf(values);
    }

    /**
     * The upgrade of a format-1 provenance (one flat string map, as instances were stored before
     * format 2 and as old clients still send it). {@code uploader}, {@code uploadedAt},
     * {@code fileName}, {@code propagatedFrom} and {@code propagatedAt} go to their fields;
     * {@code carraraVersion}, {@code javaVersion}, {@code javaVendor}, {@code os}, {@code osVersion}
     * and {@code arch} go to {@code client}: format 1 started from the server's values and let the
     * client's override them, so they describe the client whenever one sent them (Carrara's own
     * clients always sent carraraVersion, javaVersion, os and arch), and the server only for the
     * keys no client sent. Every other key goes to {@code extra}. {@code server} and {@code training}
     * stay empty: format 1 could not tell them apart.
     */
    public static Provenance fromVersion1(Map<String, String> values) {
        Map<String, String> rest = new TreeMap<>(values == null ? Map.of() : values);
        String uploader = rest.remove("uploader");
        Instant uploadedAt = instant(rest.remove("uploadedAt"), "provenance.uploadedAt");
        String fileName = rest.remove("fileName");
        UUID propagatedFrom = uuid(rest.remove("propagatedFrom"), "provenance.propagatedFrom");
        Instant propagatedAt = instant(rest.remove("propagatedAt"), "provenance.propagatedAt");
        Map<String, String> client = new TreeMap<>();
        for (String key : VERSION_1_RUNTIME_KEYS) {
            String value = rest.remove(key);
            if (value != null) {
                client.put(key, value);
            }
        }
        return new Provenance(uploader, uploadedAt, fileName, client, null, null, propagatedFrom, propagatedAt, rest);
    }

    /**
     * Reads a provenance in either format (see the class comment), naming the offending field under
     * {@code provenance} when it is not one: the registry's stored rows, and any JSON of it (the HTTP
     * API reads uploads as carrara-api's {@code NewProvenance}, which holds the same rules).
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Provenance fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return empty();
        }
        if (!node.isObject()) {
            throw new CarraraException(INVALID_ARGUMENT, "provenance must be a JSON object", "provenance");
        }
        JsonNode version = node.get("formatVersion");
        if (version == null || version.isTextual()) {
            // Format 1: a flat map whose values were all strings.
            return fromVersion1(stringMap(node, "provenance"));
        }
        if (!version.isIntegralNumber() || version.asInt() != FORMAT_VERSION) {
            throw new CarraraException(INVALID_ARGUMENT, "provenance.formatVersion " + version + " is not supported: send "
                    + FORMAT_VERSION + ", or a flat map of strings (format 1)", "provenance.formatVersion");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new CarraraException(INVALID_ARGUMENT, "unknown field 'provenance." + name + "'; known fields: "
                        + String.join(", ", sorted(FIELDS)),
                        "provenance." + name);
            }
        }
        return new Provenance(
                text(node, "uploader"),
                instant(text(node, "uploadedAt"), "provenance.uploadedAt"),
                text(node, "fileName"),
                stringMap(node.get("client"), "provenance.client"),
                stringMap(node.get("server"), "provenance.server"),
                Training.fromJson(node.get("training")),
                uuid(text(node, "propagatedFrom"), "provenance.propagatedFrom"),
                instant(text(node, "propagatedAt"), "provenance.propagatedAt"),
                stringMap(node.get("extra"), "provenance.extra"));
    }

    /**
     * How an instance was trained; every part is optional. {@code seeds} are the random seeds by use
     * ({@code {"split": 42}}), {@code frameworks} the library versions ({@code {"scikit-learn": "1.5.2"}}).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"dataRef", "codeRef", "seeds", "frameworks"})
    public record Training(String dataRef, String codeRef, Map<String, Long> seeds, Map<String, String> frameworks) {
        private static final Set<String> FIELDS = Set.of("dataRef", "codeRef", "seeds", "frameworks");

        public Training {
            FieldChecks.checkValue(dataRef, "provenance.training.dataRef", MAX_PROVENANCE_VALUE);
            FieldChecks.checkValue(codeRef, "provenance.training.codeRef", MAX_PROVENANCE_VALUE);
            seeds = FieldChecks.checkLongMap(seeds, "provenance.training.seeds");
            frameworks = FieldChecks.checkMap(frameworks, "provenance.training.frameworks", MAX_PROVENANCE_VALUE);
        }

        boolean isEmpty() {
            return dataRef == null && codeRef == null && seeds.isEmpty() && frameworks.isEmpty();
        }

        static Training fromJson(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw new CarraraException(INVALID_ARGUMENT, "provenance.training must be a JSON object", "provenance.training");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    throw new CarraraException(INVALID_ARGUMENT, "unknown field 'provenance.training." + name
                            + "'; known fields: " + String.join(", ", sorted(FIELDS)), "provenance.training." + name);
                }
            }
            JsonNode seedsNode = node.get("seeds");
            Map<String, Long> seeds = new LinkedHashMap<>();
            if (seedsNode != null && !seedsNode.isNull()) {
                if (!seedsNode.isObject()) {
                    throw new CarraraException(INVALID_ARGUMENT, "provenance.training.seeds must be a JSON object of whole numbers",
                            "provenance.training.seeds");
                }
                for (Iterator<Map.Entry<String, JsonNode>> entries = seedsNode.fields(); entries.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = entries.next();
                    if (!entry.getValue().isIntegralNumber() || !entry.getValue().canConvertToLong()) {
                        String field = "provenance.training.seeds." + entry.getKey();
                        throw new CarraraException(INVALID_ARGUMENT, field + " must be a whole number (a 64-bit seed)", field);
                    }
                    seeds.put(entry.getKey(), entry.getValue().longValue());
                }
            }
            return new Training(text(node, "dataRef", "provenance.training."), text(node, "codeRef", "provenance.training."),
                    seeds, stringMap(node.get("frameworks"), "provenance.training.frameworks"));
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static String text(JsonNode node, String name) {
        return text(node, name, "provenance.");
    }

    private static String text(JsonNode node, String name, String prefix) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new CarraraException(INVALID_ARGUMENT, prefix + name + " must be a string", prefix + name);
        }
        return value.textValue();
    }

    private static Map<String, String> stringMap(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " must be a JSON object of strings", field);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = node.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode value = entry.getValue();
            if (!value.isNull() && !value.isTextual()) {
                throw new CarraraException(INVALID_ARGUMENT, field + "." + entry.getKey() + " must be a string",
                        field + "." + entry.getKey());
            }
            values.put(entry.getKey(), value.isNull() ? null : value.textValue());
        }
        return values;
    }

    private static Instant instant(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + " '" + value + "' is not an ISO-8601 instant such as 2026-11-01T10:15:30Z", field);
        }
    }

    private static UUID uuid(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new CarraraException(INVALID_ARGUMENT, field + " '" + value + "' is not an instance id (a UUID)", field);
        }
    }
}
