package io.carrara.registry.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class HashedContentTest {
    private static final byte[] CONTENT = "abc".getBytes(UTF_8);
    // The SHA-256 test vector for "abc" from FIPS 180-2.
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void copiesHashesAndCounts() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        HashedContent hashed = HashedContent.copy(new ByteArrayInputStream(CONTENT), out, 3);

        assertThat(hashed).isEqualTo(new HashedContent(ABC_SHA256, 3));
        assertThat(out.toByteArray()).isEqualTo(CONTENT);
    }

    @Test
    void failsOneByteOverTheLimit() {
        assertThatThrownBy(() -> HashedContent.copy(new ByteArrayInputStream(CONTENT),
                new ByteArrayOutputStream(), 2))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("larger than the limit of 2 bytes")
                .extracting(e -> ((CarraraException) e).errorCode().name())
                .isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void rejectsNegativeLimitAndMalformedValues() {
        assertThatThrownBy(() -> HashedContent.copy(new ByteArrayInputStream(CONTENT),
                new ByteArrayOutputStream(), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashedContent("../x", 1)).isInstanceOf(CarraraException.class);
        assertThatThrownBy(() -> new HashedContent(ABC_SHA256, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
