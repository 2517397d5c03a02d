package io.carrara.registry.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3BlobStoreTest extends AbstractBlobStoreTest {
    @RegisterExtension
    static final S3TestServer S3 = new S3TestServer();

    private static final String BUCKET = "carrara-test";

    private String prefix;
    private S3Client client;

    @Override
    protected BlobStore createStore() {
        // A fresh prefix per test keeps tests apart without a bucket each, also on a shared server.
        prefix = "test-" + UUID.randomUUID();
        return new S3BlobStore(S3.config(BUCKET, prefix, true));
    }

    @Override
    protected void corrupt(String sha256) {
        String key = keyOf(prefix, sha256);
        byte[] bytes = client.getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asByteArray();
        bytes[bytes.length / 2] ^= 0x5a;
        client.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    @BeforeEach
    void createClient() {
        client = S3.newClient();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void blobLivesUnderThePrefixAtItsContentAddress() throws IOException {
        byte[] content = "layout".getBytes(UTF_8);

        StoredBlob blob = store.put(new ByteArrayInputStream(content), 1_000);

        String key = prefix + "/sha256/" + blob.sha256().substring(0, 2) + "/" + blob.sha256().substring(2, 4)
                + "/" + blob.sha256();
        assertThat(client.getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asByteArray())
                .isEqualTo(content);
        assertThat(blob.uri()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(store.location()).isEqualTo("s3://" + BUCKET + "/" + prefix);
    }

    @Test
    void putSkipsTheUploadWhenTheObjectIsAlreadyThere() throws IOException {
        byte[] content = "uploaded once".getBytes(UTF_8);
        StoredBlob blob = store.put(new ByteArrayInputStream(content), 1_000);
        // Mark the stored object; a second upload would replace it and lose the mark.
        String key = keyOf(prefix, blob.sha256());
        client.putObject(request -> request.bucket(BUCKET).key(key).metadata(Map.of("marker", "first")),
                RequestBody.fromBytes(content));

        assertThat(store.put(new ByteArrayInputStream(content), 1_000)).isEqualTo(blob);

        assertThat(client.headObject(request -> request.bucket(BUCKET).key(key)).metadata())
                .containsEntry("marker", "first");
    }

    @Test
    void putReplacesAnObjectOfTheWrongSize() throws IOException {
        byte[] content = randomBytes(10_000, 8);
        StoredBlob blob = store.put(new ByteArrayInputStream(content), 100_000);
        String key = keyOf(prefix, blob.sha256());
        client.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(new byte[10]));

        store.put(new ByteArrayInputStream(content), 100_000);

        try (InputStream in = store.open(blob.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void emptyPrefixStoresAtTheBucketRoot() throws IOException {
        String bucket = "carrara-test-root";
        byte[] content = "at the root".getBytes(UTF_8);
        try (BlobStore rootStore = new S3BlobStore(S3.config(bucket, "", true))) {
            StoredBlob blob = rootStore.put(new ByteArrayInputStream(content), 1_000);
            try {
                assertThat(rootStore.location()).isEqualTo("s3://" + bucket);
                assertThat(blob.uri()).isEqualTo("s3://" + bucket + "/" + keyOf("", blob.sha256()));
                assertThat(client.getObjectAsBytes(request -> request.bucket(bucket).key(keyOf("", blob.sha256())))
                        .asByteArray()).isEqualTo(content);
                assertThat(rootStore.stat(blob.sha256())).contains(blob);
            } finally {
                rootStore.delete(blob.sha256());
            }
        }
    }

    @Test
    void forEachIgnoresOtherObjectsUnderThePrefix() throws IOException {
        StoredBlob blob = store.put(new ByteArrayInputStream("real".getBytes(UTF_8)), 1_000);
        String misplaced = sha256Of("misplaced".getBytes(UTF_8));
        for (String key : new String[] {prefix + "/README", prefix + "/sha256/notes.txt",
                prefix + "/sha256/00/00/" + misplaced, keyOf(prefix, blob.sha256()) + ".bak"}) {
            client.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromString("x"));
        }

        assertThat(allBlobs()).containsExactly(blob.sha256());
    }

    @Test
    void missingBucketIsReportedUnlessCreationIsAllowed() {
        String bucket = "carrara-missing-" + UUID.randomUUID().toString().substring(0, 8);

        CarraraException error = catchCarraraError(() -> new S3BlobStore(S3.config(bucket, "p", false)));
        assertThat(error.errorCode()).isEqualTo(StandardErrorCode.UNAVAILABLE.toErrorCode());
        assertThat(error.field()).contains("bucket");
        assertThat(error.getMessage()).contains("'" + bucket + "' does not exist").contains("createBucketIfMissing");

        try (S3BlobStore created = new S3BlobStore(S3.config(bucket, "p", true))) {
            client.headBucket(request -> request.bucket(bucket));
            assertThat(created.location()).isEqualTo("s3://" + bucket + "/p");
        } finally {
            client.deleteBucket(request -> request.bucket(bucket));
        }
    }

    @Test
    void unreachableEndpointIsUnavailableWithWhatToCheck() throws IOException {
        URI closed = URI.create("http://127.0.0.1:" + closedPort());
        S3BlobStoreConfig config = new S3BlobStoreConfig(BUCKET, "p", closed, S3TestServer.REGION, true, "test",
                "test", true);

        assertCarraraError(() -> new S3BlobStore(config), StandardErrorCode.UNAVAILABLE)
                .hasMessageContaining(closed.toString())
                .hasMessageContaining("check the endpoint");
    }

    private static String keyOf(String prefix, String sha256) {
        return (prefix.isEmpty() ? "" : prefix + "/") + "sha256/" + sha256.substring(0, 2) + "/"
                + sha256.substring(2, 4) + "/" + sha256;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
