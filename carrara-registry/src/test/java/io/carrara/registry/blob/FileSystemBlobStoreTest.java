package io.carrara.registry.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.StandardErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends AbstractBlobStoreTest {
    @TempDir
    Path temp;

    private Path root;

    @Override
    protected BlobStore createStore() {
        root = temp.resolve("blobs");
        return new FileSystemBlobStore(root);
    }

    @Override
    protected void corrupt(String sha256) throws IOException {
        Path file = blobFile(sha256);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
    }

    @Test
    void blobLivesAtItsContentAddress() throws IOException {
        byte[] content = "layout".getBytes(UTF_8);

        StoredBlob blob = store.put(new ByteArrayInputStream(content), 1_000);

        Path file = blobFile(blob.sha256());
        assertThat(file).hasBinaryContent(content);
        assertThat(blob.uri()).isEqualTo(file.toUri().toString());
        assertThat(store.location()).isEqualTo(root.toUri().toString());
    }

    @Test
    void failedAndOversizedPutsLeaveNoTemporaryFiles() throws IOException {
        assertCarraraError(() -> store.put(new ByteArrayInputStream(randomBytes(2_000, 1)), 1_000),
                StandardErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(catchThrowable(() -> store.put(
                new FailingStream(randomBytes(100_000, 2), new IOException("reset")), 1_000_000)))
                .isInstanceOf(IOException.class);
        store.put(new ByteArrayInputStream(randomBytes(100, 3)), 1_000);
        store.put(new ByteArrayInputStream(randomBytes(100, 3)), 1_000);

        assertThat(root.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void abandonedTemporaryFilesAreRemovedWhenTheStoreOpens() throws IOException {
        Path abandoned = Files.writeString(root.resolve("tmp/upload-1.tmp"), "left by a crash");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path inProgress = Files.writeString(root.resolve("tmp/upload-2.tmp"), "another server is writing");
        Files.setLastModifiedTime(inProgress, FileTime.from(Instant.now().minus(Duration.ofMinutes(50))));

        new FileSystemBlobStore(root).close();

        assertThat(abandoned).doesNotExist();
        assertThat(inProgress).exists();
    }

    @Test
    void blobsSurviveReopeningTheStore() throws IOException {
        byte[] content = "durable".getBytes(UTF_8);
        StoredBlob blob = store.put(new ByteArrayInputStream(content), 1_000);
        store.close();

        try (BlobStore reopened = new FileSystemBlobStore(root); InputStream in = reopened.open(blob.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void forEachSkipsFilesThatAreNotAtTheirAddress() throws IOException {
        StoredBlob blob = store.put(new ByteArrayInputStream("real".getBytes(UTF_8)), 1_000);
        String other = sha256Of("misplaced".getBytes(UTF_8));
        Path blobDirectory = blobFile(blob.sha256()).getParent();
        Files.writeString(blobDirectory.resolve(".DS_Store"), "x");
        Files.writeString(blobDirectory.resolve(blob.sha256() + ".bak"), "x");
        Files.writeString(blobDirectory.resolve(other), "misplaced");
        Files.createDirectories(root.resolve("sha256/notes"));
        Files.writeString(root.resolve("sha256/notes/" + other), "misplaced");

        assertThat(allBlobs()).containsExactly(blob.sha256());
    }

    @Test
    void unusableRootIsReportedWithWhatToCheck() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-directory"), "x");

        assertCarraraError(() -> new FileSystemBlobStore(file), StandardErrorCode.UNAVAILABLE)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("check that it is a directory");
    }

    private Path blobFile(String sha256) {
        return root.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }
}
