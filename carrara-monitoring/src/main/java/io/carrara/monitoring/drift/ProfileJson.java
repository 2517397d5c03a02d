package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@link Profile} as JSON, the form stored as a blob (docs/monitoring.md, Profile JSON). Reading checks
 * {@code formatVersion} first, then every bound and count of the records.
 * <pre>{@code
 * byte[] json = ProfileJson.write(profile);
 * Profile again = ProfileJson.read(json);
 * }</pre>
 */
public final class ProfileJson {
    /** Far above what {@link Profile#MAX_FEATURES} profiles of {@link Profile#MAX_CATEGORIES} values take. */
    public static final int MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

    private static final ObjectMapper MAPPER = mapper();

    private ProfileJson() {}

    public static byte[] write(Profile profile) {
        requireNonNull(profile, "profile is null");
        try {
            return MAPPER.writeValueAsBytes(profile);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a profile as JSON", e);
        }
    }

    /**
     * The profile in {@code json}.
     *
     * @throws IllegalArgumentException for a document that is too large, not JSON, of another format
     *     version, or not a valid profile, saying what is wrong
     */
    public static Profile read(byte[] json) {
        requireNonNull(json, "json is null");
        if (json.length > MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException("a profile is at most " + MAX_DOCUMENT_BYTES + " bytes of JSON; this one has "
                    + json.length);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("a profile is not valid JSON: " + originalMessage(e), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("a profile is a JSON object with formatVersion, rows, features and prediction");
        }
        JsonNode version = tree.get("formatVersion");
        if (version == null || !version.isIntegralNumber()) {
            throw new IllegalArgumentException("a profile has no integer formatVersion; was it written by Carrara?");
        }
        if (version.asLong() != Profile.FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown profile format version " + version.asText()
                    + "; this version of Carrara reads version " + Profile.FORMAT_VERSION);
        }
        try {
            return MAPPER.treeToValue(tree, Profile.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("a malformed profile: " + cause.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("a malformed profile: " + originalMessage(e), e);
        }
    }

    public static Profile read(String json) {
        return read(requireNonNull(json, "json is null").getBytes(StandardCharsets.UTF_8));
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.getMessage();
    }

    private static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(MAX_DOCUMENT_BYTES)
                .maxNestingDepth(16)
                .build());
        return mapper;
    }
}
