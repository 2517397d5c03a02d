package io.carrara.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.carrara.spi.model.ArtifactFormat;
import java.io.IOException;

/**
 * The JSON mapping of the API's objects: ISO-8601 times, artifact formats by their wire
 * names, and unknown properties ignored so that an older client keeps working with a newer server.
 */
public final class CarraraJson {
    private CarraraJson() {}

    public static ObjectMapper newObjectMapper() {
        SimpleModule wireNames = new SimpleModule("carrara-wire-names");
        wireNames.addSerializer(ArtifactFormat.class, new JsonSerializer<>() {
            @Override
            public void serialize(ArtifactFormat value, JsonGenerator generator, SerializerProvider provider)
                    throws IOException {
                generator.writeString(value.wireName());
            }
        });
        wireNames.addDeserializer(ArtifactFormat.class, new JsonDeserializer<>() {
            @Override
            public ArtifactFormat deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                return ArtifactFormat.fromWireName(parser.getValueAsString());
            }
        });
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(wireNames)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }
}
