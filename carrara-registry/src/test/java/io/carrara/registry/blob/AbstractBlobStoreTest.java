package io.carrara.registry.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlobStore} promises. A subclass supplies a fresh, empty store per
 * test and a way to damage a stored blob behind the store's back.
 */
public abstract class AbstractBlobStoreTest {
    private static final long ONE_MEGABYTE = 1 << 20;

    protected BlobStore store;

    /** A new store that holds no blobs. */
    protected abstract BlobStore createStore() throws Exception;

    /** Overwrites the stored bytes of {@code sha256} with different bytes of the same length. */
    protected abstract void corrupt(String sha256) throws Exception;

    @BeforeEach
    void createTheStore() throws Exception {
        store = createStore();
    }

    @AfterEach
    void closeTheStore() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void putReturnsTheSha256AndSizeOfTheContent() throws IOException {
        byte[] content = "a model artifact".getBytes(UTF_8);

        StoredBlob blob = store.put(new ByteArrayInputStream(content), ONE_MEGABYTE);

        assertThat(blob.sha256()).isEqualTo(sha256Of(content));
        assertThat(blob.size()).isEqualTo(content.length);
        assertThat(blob.uri()).startsWith(store.location()).contains(blob.sha256());
        assertThat(store.stat(blob.sha256())).contains(blob);
    }

    @Test
    void putStoresEmptyContent() throws IOException {
        StoredBlob blob = store.put(InputStream.nullInputStream(), ONE_MEGABYTE);

        assertThat(blob.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(blob.size()).isZero();
        try (InputStream in = store.open(blob.sha256())) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void sameContentTwiceHasOneAddressAndOneCopy() throws IOException {
        byte[] content = randomBytes(10_000, 1);

        StoredBlob first = store.put(new ByteArrayInputStream(content), ONE_MEGABYTE);
        StoredBlob second = store.put(new ByteArrayInputStream(content), ONE_MEGABYTE);

        assertThat(second).isEqualTo(first);
        assertThat(allBlobs()).containsExactly(first.sha256());
    }

    @Test
    void openReturnsTheBytesThatWerePut() throws IOException {
        byte[] content = randomBytes(3 * (int) ONE_MEGABYTE + 17, 2);

        StoredBlob blob = store.put(new ByteArrayInputStream(content), 4 * ONE_MEGABYTE);

        try (InputStream in = store.open(blob.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void corruptedBytesAreDetectedOnRead() throws Exception {
        StoredBlob blob = store.put(new ByteArrayInputStream(randomBytes(5_000, 3)), ONE_MEGABYTE);

        corrupt(blob.sha256());

        try (InputStream in = store.open(blob.sha256())) {
            assertCarraraError(in::readAllBytes, StandardErrorCode.BLOB_CORRUPTED)
                    .hasMessageContaining(blob.sha256());
        }
    }

    @Test
    void contentOfExactlyMaxBytesIsAccepted() throws IOException {
        StoredBlob blob = store.put(new ByteArrayInputStream(randomBytes(1_000, 4)), 1_000);

        assertThat(blob.size()).isEqualTo(1_000);
    }

    @Test
    void contentOverMaxBytesIsRefusedAndLeavesNothing() throws IOException {
        byte[] content = randomBytes(1_001, 5);

        CarraraException error = catchCarraraError(() -> store.put(new ByteArrayInputStream(content), 1_000));

        assertThat(error.errorCode()).isEqualTo(StandardErrorCode.PAYLOAD_TOO_LARGE.toErrorCode());
        assertThat(error.field()).contains("artifact");
        assertThat(error.getMessage()).contains("1000 bytes");
        assertThat(allBlobs()).isEmpty();
        assertThat(store.stat(sha256Of(content))).isEmpty();
    }

    @Test
    void oversizedStreamIsCutShortRatherThanReadToItsEnd() {
        CountingEndlessStream endless = new CountingEndlessStream();

        assertCarraraError(() -> store.put(endless, ONE_MEGABYTE), StandardErrorCode.PAYLOAD_TOO_LARGE);

        assertThat(endless.delivered).isLessThan(2 * ONE_MEGABYTE);
    }

    @Test
    void negativeMaxBytesIsRejected() {
        assertThatThrownBy(() -> store.put(InputStream.nullInputStream(), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes");
    }

    @Test
    void streamThatFailsMidwayLeavesNothing() throws IOException {
        InputStream failing = new FailingStream(randomBytes(200_000, 6), new IOException("client went away"));

        assertThatThrownBy(() -> store.put(failing, ONE_MEGABYTE))
                .isInstanceOf(IOException.class)
                .hasMessage("client went away");

        assertThat(allBlobs()).isEmpty();
    }

    @Test
    void openOfAMissingBlobIsNotFound() {
        String unknown = sha256Of("never stored".getBytes(UTF_8));

        assertCarraraError(() -> store.open(unknown), StandardErrorCode.NOT_FOUND)
                .hasMessageContaining(unknown);
    }

    @Test
    void statOfAnUnknownBlobIsEmpty() throws IOException {
        assertThat(store.stat(sha256Of("never stored".getBytes(UTF_8)))).isEmpty();
    }

    @Test
    void deleteRemovesTheBlob() throws IOException {
        StoredBlob kept = store.put(new ByteArrayInputStream("kept".getBytes(UTF_8)), ONE_MEGABYTE);
        StoredBlob deleted = store.put(new ByteArrayInputStream("deleted".getBytes(UTF_8)), ONE_MEGABYTE);

        assertThat(store.delete(deleted.sha256())).isTrue();

        assertThat(store.stat(deleted.sha256())).isEmpty();
        assertCarraraError(() -> store.open(deleted.sha256()), StandardErrorCode.NOT_FOUND);
        assertThat(store.delete(deleted.sha256())).isFalse();
        assertThat(allBlobs()).containsExactly(kept.sha256());
    }

    @Test
    void deletedBlobCanBeStoredAgain() throws IOException {
        byte[] content = "phoenix".getBytes(UTF_8);
        StoredBlob blob = store.put(new ByteArrayInputStream(content), ONE_MEGABYTE);
        store.delete(blob.sha256());

        assertThat(store.put(new ByteArrayInputStream(content), ONE_MEGABYTE)).isEqualTo(blob);
        try (InputStream in = store.open(blob.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void forEachListsEveryBlob() throws IOException {
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            stored.add(store.put(new ByteArrayInputStream(("blob " + i).getBytes(UTF_8)), ONE_MEGABYTE).sha256());
        }

        assertThat(allBlobs()).containsExactlyInAnyOrderElementsOf(stored);
    }

    @Test
    void forEachOfAnEmptyStoreListsNothing() throws IOException {
        assertThat(allBlobs()).isEmpty();
    }

    @Test
    void concurrentPutsOfTheSameContentAllSucceedWithOneStoredBlob() throws Exception {
        byte[] content = randomBytes(300_000, 7);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<StoredBlob>> puts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<StoredBlob> put = () -> {
                    start.await();
                    return store.put(new ByteArrayInputStream(content), ONE_MEGABYTE);
                };
                puts.add(executor.submit(put));
            }
            start.countDown();
            Set<StoredBlob> results = new HashSet<>();
            for (Future<StoredBlob> put : puts) {
                results.add(put.get(60, TimeUnit.SECONDS));
            }

            assertThat(results).hasSize(1);
            String sha256 = results.iterator().next().sha256();
            assertThat(sha256).isEqualTo(sha256Of(content));
            assertThat(allBlobs()).containsExactly(sha256);
            try (InputStream in = store.open(sha256)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void malformedAddressesAreRejectedBeforeTouchingStorage() {
        for (String malformed : List.of("../x", "../../etc/passwd", "", "ABCDEF" + "0".repeat(58),
                "0".repeat(63), "0".repeat(64) + "/..")) {
            assertCarraraError(() -> store.open(malformed), StandardErrorCode.INVALID_ARGUMENT);
            assertCarraraError(() -> store.stat(malformed), StandardErrorCode.INVALID_ARGUMENT);
            assertCarraraError(() -> store.delete(malformed), StandardErrorCode.INVALID_ARGUMENT);
        }
    }

    @Test
    void locationIsNotEmpty() {
        assertThat(store.location()).isNotBlank();
    }

    // ---- helpers for subclasses too ----

    protected final List<String> allBlobs() throws IOException {
        List<String> blobs = new ArrayList<>();
        store.forEach(blobs::add);
        return blobs;
    }

    protected static String sha256Of(byte[] content) {
        return BlobDigests.hex(BlobDigests.newSha256().digest(content));
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static AbstractThrowableAssert<?, ? extends Throwable> assertCarraraError(
            ThrowingCallable call, StandardErrorCode code) {
        CarraraException error = catchCarraraError(call);
        assertThat(error.errorCode()).isEqualTo(code.toErrorCode());
        return assertThat((Throwable) error);
    }

    protected static CarraraException catchCarraraError(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(CarraraException.class);
        return (CarraraException) thrown;
    }

    /** Delivers some bytes, then fails the way a dropped upload does. */
    protected static final class FailingStream extends InputStream {
        private final InputStream before;
        private final IOException failure;

        FailingStream(byte[] before, IOException failure) {
            this.before = new ByteArrayInputStream(before);
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            int b = before.read();
            if (b < 0) {
                throw failure;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = before.read(buffer, offset, length);
            if (n < 0) {
                throw failure;
            }
            return n;
        }
    }

    /** Zeros without end, counting how many were taken. */
    private static final class CountingEndlessStream extends InputStream {
        long delivered;

        @Override
        public int read() {
            delivered++;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            Arrays.fill(buffer, offset, offset + length, (byte) 0);
            delivered += length;
            return length;
        }
    }
}
