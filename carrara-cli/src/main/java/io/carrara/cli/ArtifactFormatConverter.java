package io.carrara.cli;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine;

/** Reads an artifact format by its wire name ({@code spark-pipeline}, {@code python}, {@code opaque}). */
final class ArtifactFormatConverter implements CommandLine.ITypeConverter<ArtifactFormat> {
    @Override
    public ArtifactFormat convert(String value) {
        try {
            return ArtifactFormat.fromWireName(value);
        } catch (CarraraException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The wire names, for help text and shell completion. */
    static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ArtifactFormat.values()).map(ArtifactFormat::wireName).iterator();
        }
    }
}
