package io.carrara.pipeline.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON line {@code DefaultParamsWriter} writes to a stage's {@code metadata/} directory.
 * {@code json} is the whole object, for the few stages that save more than params there.
 */
public record StageMetadata(String className, String uid, String sparkVersion, long timestamp, JsonNode paramMap,
                            JsonNode defaultParamMap, JsonNode json) {
    public StageMetadata {
        requireNonNull(className, "className is null");
        requireNonNull(uid, "uid is null");
        requireNonNull(sparkVersion, "sparkVersion is null");
        requireNonNull(paramMap, "paramMap is null");
        requireNonNull(defaultParamMap, "defaultParamMap is null");
        requireNonNull(json, "json is null");
    }

    /** Spark's major version, e.g. 3 or 4; loaders branch on it where the layout changed. */
    public int sparkMajorVersion() {
        return versionPart(0);
    }

    public int sparkMinorVersion() {
        return versionPart(1);
    }

    private int versionPart(int index) {
        String[] parts = sparkVersion.split("[.\\-]");
        try {
            return parts.length > index ? Integer.parseInt(parts[index]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The simple class name, e.g. {@code StringIndexerModel}. */
    public String simpleClassName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
