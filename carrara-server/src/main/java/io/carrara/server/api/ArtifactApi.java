package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.PAYLOAD_TOO_LARGE;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.ContentDisposition;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Header;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.StatusCode;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.model.Instance;
import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.server.http.RequestBodies;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Streaming artifact endpoints: {@code POST /api/v1/blobs} writes a blob to its content address
 * (the first half of a blob-first upload) and {@code GET /api/v1/instances/{id}/artifact} streams
 * an instance's artifact back. Neither holds a whole artifact in memory.
 */
public final class ArtifactApi {
    private static final int DOWNLOAD_CHUNK = 64 * 1024;

    private final ModelRegistry registry;
    private final long maxBlobBytes;

    public ArtifactApi(ModelRegistry registry, long maxBlobBytes) {
        this.registry = requireNonNull(registry, "registry is null");
        this.maxBlobBytes = maxBlobBytes;
    }

    /** The answer to a blob upload. */
    public record BlobCreated(String sha256, long size, String uri) {}

    @Post("/blobs")
    @StatusCode(201)
    @ProducesJson
    public BlobCreated uploadBlob(HttpRequest request, @Header("X-Carrara-Sha256") Optional<String> expectedSha256)
            throws IOException {
        RequestBodies.requireType(request.headers(), MediaType.OCTET_STREAM, RequestBodies.ZIP);
        long declared = request.headers().contentLength();
        if (declared > maxBlobBytes) {
            throw new CarraraException(PAYLOAD_TOO_LARGE,
                    "the artifact is " + declared + " bytes, more than this server's limits.maxBlobBytes of " + maxBlobBytes,
                    "artifact");
        }
        String expected = expectedSha256.map(value -> {
            try {
                return BlobDigests.checkSha256(value);
            } catch (CarraraException e) {
                throw new CarraraException(INVALID_ARGUMENT, e.getMessage(), "X-Carrara-Sha256");
            }
        }).orElse(null);
        BlobStore store = registry.blobStore();
        StoredBlob blob;
        try (InputStream body = request.toInputStream(object -> object instanceof HttpData data ? data : HttpData.empty())) {
            blob = store.put(body, maxBlobBytes);
        }
        if (expected != null && !expected.equals(blob.sha256())) {
            // The bytes that arrived are not the bytes the client sent; the blob is unreferenced and GC removes it.
            throw new CarraraException(INVALID_ARGUMENT,
                    "the uploaded bytes hash to " + blob.sha256() + " but the client declared " + expected
                            + "; the upload was damaged in transit, send it again",
                    "X-Carrara-Sha256");
        }
        return new BlobCreated(blob.sha256(), blob.size(), blob.uri());
    }

    /** The uploaded file's own name when the client recorded one, else the instance id. */
    private static String downloadName(Instance instance) {
        String fileName = instance.provenance().fileName();
        if (instance.artifact().packaging() == io.carrara.registry.model.ArtifactPackaging.ZIP || fileName == null
                || fileName.isBlank()) {
            return instance.id() + (instance.artifact().packaging() == io.carrara.registry.model.ArtifactPackaging.ZIP
                    ? ".zip" : "");
        }
        return fileName;
    }

    @Get("/instances/{id}/artifact")
    public HttpResponse downloadArtifact(ServiceRequestContext ctx, @Param("id") String id) throws IOException {
        Instance instance = registry.getInstance(RegistryApi.parseId(id));
        InputStream data = registry.blobStore().open(instance.artifact().sha256());
        ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.OK)
                .contentType(MediaType.OCTET_STREAM)
                .contentLength(instance.artifact().size())
                .add("X-Carrara-Sha256", instance.artifact().sha256())
                .add("X-Carrara-Packaging", instance.artifact().packaging().wireName())
                .add("X-Carrara-Format", instance.artifact().format().wireName())
                .add(HttpHeaderNames.CONTENT_DISPOSITION, ContentDisposition.of("attachment", "file",
                        downloadName(instance)).asHeaderValue())
                .build();
        return HttpResponse.of(headers, StreamMessage.builder(data)
                .executor(ctx.blockingTaskExecutor())
                .bufferSize(DOWNLOAD_CHUNK)
                .build());
    }
}
