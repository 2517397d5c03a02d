package io.carrara.api.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a row whose feature lookup finds nothing gets: nulls (the pipeline's null handling decides) or a 4xx. */
public enum MissingFeatures {
    NULL, REJECT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static MissingFeatures fromWireName(String wireName) {
        for (MissingFeatures value : values()) {
            if (value.wireName().equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("missingFeatures '" + wireName + "' is not null or reject");
    }
}
