package io.carrara.spi.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.spi.error.CarraraException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SchemaTextTest {
    @Test
    void readsSparkStyleColumnsWithVectorSizesAndArrays() {
        Schema schema = SchemaText.parse("city string, passengers INT, fare bigint,features vector(51), tags array<string>,"
                + " embedding vector, weights array< double >", "--schema");

        assertThat(schema.fields()).containsExactly(
                new Field("city", DataType.STRING),
                new Field("passengers", DataType.INTEGER),
                new Field("fare", DataType.LONG),
                new Field("features", DataType.VECTOR, OptionalInt.of(51)),
                new Field("tags", DataType.STRING_ARRAY),
                new Field("embedding", DataType.VECTOR),
                new Field("weights", DataType.DOUBLE_ARRAY));
        assertThat(SchemaText.parse(SchemaText.format(schema), "x")).isEqualTo(schema);
        assertThat(SchemaText.format(schema)).isEqualTo("city string, passengers int, fare bigint, features vector(51),"
                + " tags array<string>, embedding vector, weights array<double>");
        assertThat(SchemaText.parse("  ", "x").fields()).isEmpty();
    }

    @Test
    void badTextNamesTheEntryTheSourceAndWhatIsAllowed() {
        CarraraException noType = catchThrowableOfType(CarraraException.class, () -> SchemaText.parse("city", "metadata inputSchema"));
        CarraraException badType = catchThrowableOfType(CarraraException.class, () -> SchemaText.parse("fare decimal", "--schema"));
        CarraraException badSize = catchThrowableOfType(CarraraException.class, () -> SchemaText.parse("v vector(x)", "--schema"));
        CarraraException twice = catchThrowableOfType(CarraraException.class, () -> SchemaText.parse("a int, a double", "--schema"));

        assertThat(noType.getMessage()).isEqualTo("metadata inputSchema entry 'city' is not 'name type', e.g. \"hour int, city string\"");
        assertThat(noType.field()).contains("metadata inputSchema");
        assertThat(badType.getMessage()).contains("type 'decimal' of column fare is not one of string");
        assertThat(badSize.getMessage()).contains("needs a size that is a whole number");
        assertThat(twice.getMessage()).isEqualTo("--schema names column a twice");
    }
}
