package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.BLOB_CORRUPTED;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.Page;
import io.carrara.api.error.ErrorBody;
import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one HTTP layer under {@link CarraraClient} and its sub-clients: builds requests (base URI, user
 * header, bearer token, timeouts), sends them, reads JSON answers into the API's records, turns error bodies into
 * {@link CarraraClientException} (rebuilding the server's code), streams uploads and downloads with
 * progress, and keeps the path and file helpers they share.
 */
final class Transport {
    static final int MAX_PAGE_SIZE = 1000;
    static final int COPY_BUFFER_BYTES = 64 * 1024;
    static final String AUTHORIZATION_HEADER = "Authorization";
    final URI baseUri;
    final String base;
    final String user;
    /** Sent as {@code Authorization: Bearer TOKEN}; never logged, printed or put in an exception's message. */
    private final String token;
    final Duration requestTimeout;

    /** How long a deploy may take: the server loads the models it routes to before it answers (its own limit is 10 minutes). */
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);
    final HttpClient http;
    final ObjectMapper json = CarraraJson.newObjectMapper();

    Transport(URI baseUri, String user, String token, Duration connectTimeout, Duration requestTimeout,
            SSLContext sslContext) {
        this.baseUri = baseUri;
        String text = baseUri.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.user = user;
        this.token = token;
        this.requestTimeout = requestTimeout;
        HttpClient.Builder http = HttpClient.newBuilder()
                // HTTP/1.1 keeps large streamed bodies simple: no h2c upgrade dance on a plain-text port.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (sslContext != null) {
            http.sslContext(sslContext);
        }
        this.http = http.build();
    }


    static String deploymentPath(String name) {
        return "/api/v1/deployments/" + Names.checkName(name, "name");
    }

    /** Streams {@code file} as the body of a POST to {@code pathAndQuery}, reporting the bytes sent to {@code progress}. */
    <T> T uploadFile(Path file, String pathAndQuery, String contentType, TransferProgress progress, Class<T> answer) {
        checkReadableFile(file);
        HttpRequest.BodyPublisher body;
        try {
            progress.start(Files.size(file));
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw localFailure("cannot read " + file, e);
        }
        // No request timeout: a big file rightly takes longer than any JSON call.
        HttpRequest request = request(pathAndQuery)
                .header("Content-Type", contentType)
                .POST(new CountingBodyPublisher(body, progress))
                .build();
        return decode(send(request, HttpResponse.BodyHandlers.ofByteArray()), type(answer));
    }

    // ---- requests

    HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .header("Accept", "application/json");
        if (user != null) {
            builder.header(CarraraClient.USER_HEADER, user);
        }
        if (token != null) {
            builder.header(AUTHORIZATION_HEADER, "Bearer " + token);
        }
        return builder;
    }

    boolean hasToken() {
        return token != null;
    }

    /**
     * {@code text} with this client's token masked, for every message built from what the server or the
     * network said: a server that echoes the header it refused must not put the secret in a log.
     */
    String redact(String text) {
        if (token == null || text == null || !text.contains(token)) {
            return text;
        }
        return text.replace(token, "***");
    }

    <T> T call(HttpRequest.Builder request, JavaType answerType) {
        return call(request, answerType, requestTimeout);
    }

    <T> T call(HttpRequest.Builder request, JavaType answerType, Duration timeout) {
        HttpResponse<byte[]> response = send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        return decode(response, answerType);
    }

    static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    <T> T decode(HttpResponse<byte[]> response, JavaType answerType) {
        if (response.statusCode() >= 400) {
            throw errorOf(response.statusCode(), response.body());
        }
        try {
            return json.readValue(response.body(), answerType);
        } catch (IOException | RuntimeException e) {
            throw new CarraraClientException("INTERNAL_ERROR",
                    "Carrara at " + base + " answered " + response.request().method() + " "
                            + response.request().uri().getPath() + " with a " + answerType.getRawClass().getSimpleName()
                            + " this client cannot read (" + redact(String.valueOf(e.getMessage())).lines().findFirst().orElse("")
                            + "); check that client and server versions match",
                    null, response.statusCode(), e);
        }
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new CarraraClientException("UNAVAILABLE",
                    "Carrara at " + base + " did not answer " + request.method() + " " + request.uri().getPath()
                            + " within " + request.timeout().orElse(requestTimeout).toSeconds() + "s; check the server's health",
                    null, 0, e);
        } catch (SSLHandshakeException e) {
            throw new CarraraClientException("UNAVAILABLE", "Carrara at " + base + " presented a certificate this client does"
                    + " not trust (" + describe(e) + "); pass its certificate or CA as a PEM file with --ca-cert FILE (or"
                    + " $CARRARA_CA_CERT)", null, 0, e);
        } catch (IOException e) {
            if (causedByConnectionFailure(e)) {
                throw unreachable(e);
            }
            throw new CarraraClientException("UNAVAILABLE",
                    request.method() + " " + request.uri().getPath() + " to Carrara at " + base + " failed: "
                            + redact(describe(e)),
                    null, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CarraraClientException("UNAVAILABLE",
                    "interrupted while waiting for Carrara at " + base, null, 0, e);
        }
    }

    CarraraClientException unreachable(Exception cause) {
        return new CarraraClientException("UNAVAILABLE",
                "cannot reach Carrara at " + base + "; start it with ./carrara up or pass --server URL",
                null, 0, cause);
    }

    static boolean causedByConnectionFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof UnresolvedAddressException
                    || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    CarraraClientException errorOf(int status, byte[] body) {
        try {
            ErrorBody error = json.readValue(body, ErrorBody.class);
            ErrorCode code = CarraraClientException.fromWire(error.code(), error.number(), error.type(), status);
            return new CarraraClientException(code, redact(error.message()), error.field(), status, null);
        } catch (IOException e) {
            // Not Carrara's error body (a proxy's HTML page, say); report the status and the text below.
        }
        String text = redact(new String(body, UTF_8).strip());
        return new CarraraClientException(status >= 500 ? "INTERNAL_ERROR" : "INVALID_ARGUMENT",
                "Carrara at " + base + " answered HTTP " + status
                        + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(200, text.length()))),
                null, status, null);
    }

    StoredBlob sendBlob(Path file, String sha256, TransferProgress progress) {
        HttpRequest.BodyPublisher body;
        try {
            progress.start(Files.size(file));
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw localFailure("cannot read " + file, e);
        }
        // No request timeout: sending a large artifact may rightly take longer than any JSON call.
        HttpRequest request = request("/api/v1/blobs")
                .header(CarraraClient.SHA256_HEADER, sha256)
                .header("Content-Type", "application/octet-stream")
                .POST(new CountingBodyPublisher(body, progress))
                .build();
        StoredBlob blob = decode(send(request, HttpResponse.BodyHandlers.ofByteArray()), type(StoredBlob.class));
        if (!blob.sha256().equals(sha256)) {
            throw new CarraraClientException(BLOB_CORRUPTED.name(),
                    "Carrara stored blob " + blob.sha256() + " for bytes whose SHA-256 is " + sha256
                            + "; report this to the server's operator",
                    null, 0, null);
        }
        return blob;
    }

    HttpRequest.BodyPublisher jsonBody(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JavaType type(Class<?> type) {
        return json.getTypeFactory().constructType(type);
    }

    JavaType pageOf(Class<?> itemType) {
        return json.getTypeFactory().constructParametricType(Page.class, itemType);
    }

    static <T> List<T> all(BiFunction<Integer, Integer, Page<T>> pages) {
        List<T> items = new ArrayList<>();
        int offset = 0;
        while (true) {
            Page<T> page = pages.apply(MAX_PAGE_SIZE, offset);
            items.addAll(page.items());
            // A server that does not move forward would loop forever; stop instead.
            if (!page.hasMore() || page.nextOffset() <= offset) {
                return List.copyOf(items);
            }
            offset = page.nextOffset();
        }
    }

    // ---- paths

    static String projectPath(String project) {
        return "/api/v1/projects/" + Names.checkName(project, "project");
    }

    static String modelPath(ModelRef model) {
        requireNonNull(model, "model is null");
        return projectPath(model.project()) + "/models/" + model.name();
    }

    static String dependencyPath(ModelRef model, ModelRef upstream) {
        requireNonNull(upstream, "upstream is null");
        return modelPath(model) + "/dependencies/" + upstream.project() + "/" + upstream.name();
    }

    /**
     * {@code value} percent-encoded as one path segment, for names the server allows more characters in
     * than {@link Names} does: a principal {@code group:data-science}, a user name.
     */
    static String segment(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is required", field);
        }
        // URLEncoder encodes for a query; in a path a space must be %20, and '*' and '~' are better encoded too.
        return URLEncoder.encode(value, UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static String instancePath(UUID id) {
        return "/api/v1/instances/" + requireNonNull(id, "id is null");
    }

    static String withPage(String path, int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "limit must be at least 1 and offset at least 0, got " + limit + " and " + offset, "limit");
        }
        return path + "?limit=" + limit + "&offset=" + offset;
    }

    static String withQuery(String path, Map<String, Object> parameters) {
        StringBuilder uri = new StringBuilder(path);
        char separator = '?';
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            if (parameter.getValue() != null) {
                // URLEncoder writes a space as '+', which some servers keep as a plus sign; %20 is unambiguous.
                String value = URLEncoder.encode(parameter.getValue().toString(), UTF_8).replace("+", "%20");
                uri.append(separator).append(parameter.getKey()).append('=').append(value);
                separator = '&';
            }
        }
        return uri.toString();
    }

    static void checkReadableFile(Path file) {
        requireNonNull(file, "file is null");
        if (!Files.isRegularFile(file)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    file + (Files.exists(file) ? " is not a regular file" : " does not exist"), "path");
        }
        if (!Files.isReadable(file)) {
            throw new CarraraException(INVALID_ARGUMENT, file + " is not readable", "path");
        }
    }

    static String sha256Of(Path file) {
        MessageDigest digest = BlobDigests.newSha256();
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw localFailure("cannot read " + file, e);
        }
        return BlobDigests.hex(digest.digest());
    }

    /** Writes a file through {@code writer} and returns the SHA-256 of what was written. */
    static String writeHashing(Path file, StreamWriter writer) {
        MessageDigest digest = BlobDigests.newSha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            writer.writeTo(out);
        } catch (IOException e) {
            throw localFailure("cannot write " + file, e);
        }
        return BlobDigests.hex(digest.digest());
    }

    static String copyHashing(InputStream in, Path file, TransferProgress progress) throws IOException {
        MessageDigest digest = BlobDigests.newSha256();
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        long copied = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                copied += n;
                progress.accept(copied);
            }
        }
        return BlobDigests.hex(digest.digest());
    }

    static Path createTemporaryFile(String prefix, String suffix) {
        try {
            return Files.createTempFile(prefix, suffix);
        } catch (IOException e) {
            throw localFailure("cannot create a temporary file in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file is harmless, and the original failure matters more.
        }
    }

    static UncheckedIOException localFailure(String what, IOException e) {
        return new UncheckedIOException(what + ": " + describe(e), e);
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + e.getMessage();
        }
        if (e instanceof FileAlreadyExistsException) {
            return e.getMessage() + " already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return e.getMessage() + " is not empty";
        }
        if (e instanceof NotDirectoryException) {
            return e.getMessage() + " is not a directory";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName().toLowerCase(Locale.ROOT) : message;
    }

    @FunctionalInterface
    interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
