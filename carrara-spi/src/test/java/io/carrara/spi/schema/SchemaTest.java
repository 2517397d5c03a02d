package io.carrara.spi.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SchemaTest {
    @Test
    void findsFieldsByNameInOrder() {
        Schema schema = Schema.of(new Field("city", DataType.STRING), Field.vector("features", 3));

        assertThat(schema.names()).containsExactly("city", "features");
        assertThat(schema.indexOf("features")).isEqualTo(1);
        assertThat(schema.field("features").orElseThrow().vectorSize()).hasValue(3);
        assertThat(schema.indexOf("missing")).isEqualTo(-1);
    }

    @Test
    void refusesDuplicateNamesAndSizesOnNonVectors() {
        assertThatThrownBy(() -> Schema.of(new Field("a", DataType.STRING), new Field("a", DataType.DOUBLE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate field a");
        assertThatThrownBy(() -> new Field("a", DataType.DOUBLE, OptionalInt.of(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Field(null, DataType.DOUBLE)).isInstanceOf(NullPointerException.class).hasMessage("name is null");
    }
}
