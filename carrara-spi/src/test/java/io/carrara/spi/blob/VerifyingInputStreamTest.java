package io.carrara.spi.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
    private static final byte[] DATA = "model bytes".getBytes(UTF_8);
    private static final String SHA = BlobDigests.hex(BlobDigests.newSha256().digest(DATA));

    @Test
    void passesMatchingBytesThrough() throws IOException {
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(DATA), SHA)) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void failsAtEndWhenBytesDiffer() {
        byte[] corrupted = DATA.clone();
        corrupted[0] ^= 1;
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(corrupted), SHA);
        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("corrupted")
                .extracting(e -> ((CarraraException) e).errorCode().name())
                .isEqualTo("BLOB_CORRUPTED");
    }

    @Test
    void skippedBytesAreStillVerified() {
        byte[] corrupted = DATA.clone();
        corrupted[1] ^= 1;
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(corrupted), SHA);
        assertThatThrownBy(() -> {
            in.skip(5);
            in.readAllBytes();
        }).isInstanceOf(CarraraException.class);
    }

    @Test
    void rejectsMalformedAddress() {
        assertThatThrownBy(() -> new VerifyingInputStream(new ByteArrayInputStream(DATA), "../etc/passwd"))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("not a SHA-256");
    }
}
