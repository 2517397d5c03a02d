package io.carrara.spi.model;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What an instance's artifact holds; only the runtimes interpret it, the registry never does. */
public enum ArtifactFormat {
    SPARK_PIPELINE("spark-pipeline"),
    PYTHON("python"),
    OPAQUE("opaque");

    private final String wireName;

    ArtifactFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ArtifactFormat fromWireName(String value) {
        for (ArtifactFormat format : values()) {
            if (format.wireName.equals(value)) {
                return format;
            }
        }
        throw new CarraraException(INVALID_ARGUMENT,
                "unknown artifact format '" + value + "'; use one of "
                        + Arrays.stream(values()).map(ArtifactFormat::wireName).collect(Collectors.joining(", ")),
                "format");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
