package io.carrara.api.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.api.WireEnums;

/** What a row whose feature lookup finds nothing gets: nulls (the pipeline's null handling decides) or a 4xx. */
public enum MissingFeatures {
    NULL, REJECT;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static MissingFeatures fromWireName(String wireName) {
        return WireEnums.fromWireName(MissingFeatures.class, "missingFeatures", wireName);
    }
}
