package io.carrara.cli;

import io.carrara.client.TableFormat;
import io.carrara.spi.error.CarraraException;
import picocli.CommandLine;

/** Reads {@code csv} or {@code jsonl}, in any case. */
final class TableFormatConverter implements CommandLine.ITypeConverter<TableFormat> {
    @Override
    public TableFormat convert(String value) {
        try {
            return TableFormat.fromWireName(value);
        } catch (CarraraException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
