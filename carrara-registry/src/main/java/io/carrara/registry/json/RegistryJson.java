package io.carrara.registry.json;

import static io.carrara.spi.error.StandardErrorCode.INTERNAL_ERROR;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.carrara.registry.model.ArtifactPackaging;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;

/** The one JSON mapping of registry values, shared by the database columns and the HTTP API. */
public final class RegistryJson {
    private static final ObjectMapper MAPPER = create();

    private RegistryJson() {}

    /** A shared, configured mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as JSON text for a database column; a value that cannot be written is a bug, reported as INTERNAL_ERROR. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INTERNAL_ERROR, "cannot write JSON: " + e.getOriginalMessage(), null, e);
        }
    }

    /** JSON text the registry stored, as a tree; unreadable text is reported as INTERNAL_ERROR. */
    public static JsonNode readTree(String stored) {
        try {
            return MAPPER.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INTERNAL_ERROR, "stored JSON is unreadable: " + e.getOriginalMessage(), null, e);
        }
    }

    /** JSON text the registry stored, as {@code type}; unreadable text is reported as INTERNAL_ERROR. */
    public static <T> T read(String stored, TypeReference<T> type) {
        try {
            return MAPPER.readValue(stored, type);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INTERNAL_ERROR, "stored JSON is unreadable: " + e.getOriginalMessage(), null, e);
        }
    }

    private static ObjectMapper create() {
        SimpleModule values = new SimpleModule("carrara-values");
        values.addSerializer(ModelRef.class, new ToStringSerializer<>(ModelRef.class));
        values.addSerializer(ArtifactFormat.class, new ToStringSerializer<>(ArtifactFormat.class));
        values.addSerializer(ArtifactPackaging.class, new ToStringSerializer<>(ArtifactPackaging.class));
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(values)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static final class ToStringSerializer<T> extends JsonSerializer<T> {
        private final Class<T> type;

        ToStringSerializer(Class<T> type) {
            this.type = type;
        }

        @Override
        public Class<T> handledType() {
            return type;
        }

        @Override
        public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }
}
