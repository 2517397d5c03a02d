package io.carrara.cli;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import picocli.CommandLine;

/** Reads {@code project/model} arguments, so a malformed one is a usage error naming the rule. */
final class ModelRefConverter implements CommandLine.ITypeConverter<ModelRef> {
    @Override
    public ModelRef convert(String value) {
        try {
            return ModelRef.parse(value, "model");
        } catch (CarraraException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
