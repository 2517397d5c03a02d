package io.carrara.registry.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.carrara.registry.model.ArtifactPackaging;
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
