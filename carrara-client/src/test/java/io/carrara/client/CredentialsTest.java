package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token discovery rules the CLI and the Python SDK share, and the credentials file {@code carrara login} writes. */
class CredentialsTest {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();
    private static final URI LOCAL = URI.create("http://127.0.0.1:8080");
    private static final URI REMOTE = URI.create("https://carrara.example.com");

    @TempDir
    Path home;

    // ---- order of resolution

    @Test
    void theExplicitTokenComesFirst() throws IOException {
        Credentials.save(LOCAL, "from-file", "alice", Map.of(), home);
        writeAdminToken(home.resolve(".carrara"), "from-admin-file");

        assertThat(Credentials.resolve(LOCAL, "explicit", Map.of("CARRARA_TOKEN", "from-env"), home)).contains("explicit");
    }

    @Test
    void thenTheEnvironment() throws IOException {
        Credentials.save(LOCAL, "from-file", "alice", Map.of(), home);

        assertThat(Credentials.resolve(LOCAL, null, Map.of("CARRARA_TOKEN", "from-env"), home)).contains("from-env");
        assertThat(Credentials.resolve(LOCAL, "  ", Map.of("CARRARA_TOKEN", " from-env\n"), home)).contains("from-env");
    }

    @Test
    void thenTheCredentialsFileThenTheAdminTokenOnThisMachine() throws IOException {
        writeAdminToken(home.resolve(".carrara"), "from-admin-file");
        assertThat(Credentials.resolve(LOCAL, null, Map.of("CARRARA_TOKEN", " "), home)).contains("from-admin-file");

        Credentials.save(LOCAL, "from-file", "alice", Map.of(), home);
        assertThat(Credentials.resolve(LOCAL, "", Map.of(), home)).contains("from-file");
    }

    @Test
    void nothingFoundIsNoToken() {
        assertThat(Credentials.resolve(LOCAL, null, Map.of(), home)).isEmpty();
        assertThat(Credentials.resolve(REMOTE, null, Map.of(), home)).isEmpty();
    }

    // ---- where the files are

    @Test
    void theCredentialsFileFollowsCarraraConfigDirThenXdgConfigHome() {
        Path config = home.resolve("config");
        Path xdg = home.resolve("xdg");

        assertThat(Credentials.file(Map.of("CARRARA_CONFIG_DIR", config.toString(), "XDG_CONFIG_HOME", xdg.toString()), home))
                .isEqualTo(config.resolve("credentials.json"));
        assertThat(Credentials.file(Map.of("XDG_CONFIG_HOME", xdg.toString()), home))
                .isEqualTo(xdg.resolve("carrara/credentials.json"));
        assertThat(Credentials.file(Map.of(), home)).isEqualTo(home.resolve(".config/carrara/credentials.json"));
    }

    @Test
    void aTokenSavedInTheConfigDirIsFoundThere() {
        Map<String, String> environment = Map.of("CARRARA_CONFIG_DIR", home.resolve("config").toString());
        Credentials.save(REMOTE, "saved", "alice", environment, home);

        assertThat(Credentials.resolve(REMOTE, null, environment, home)).contains("saved");
        assertThat(Credentials.resolve(REMOTE, null, Map.of(), home)).isEmpty();
    }

    @Test
    void theAdminTokenFileIsInCarraraHomeAndStripped() throws IOException {
        Path carraraHome = home.resolve("server");
        writeAdminToken(carraraHome, "  admin-secret \n");

        assertThat(Credentials.adminTokenFile(Map.of("CARRARA_HOME", carraraHome.toString()), home))
                .isEqualTo(carraraHome.resolve("admin-token"));
        assertThat(Credentials.resolve(LOCAL, null, Map.of("CARRARA_HOME", carraraHome.toString()), home)).contains("admin-secret");
        assertThat(Credentials.resolve(LOCAL, null, Map.of(), home)).isEmpty();
    }

    @Test
    void theAdminTokenIsSentOnlyToThisMachine() throws IOException {
        writeAdminToken(home.resolve(".carrara"), "admin-secret");

        for (String local : new String[] {"http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1:9000",
                "http://127.1.2.3:8080", "http://[::1]:8080", "https://[0:0:0:0:0:0:0:1]"}) {
            assertThat(Credentials.resolve(URI.create(local), null, Map.of(), home)).as(local).contains("admin-secret");
        }
        for (String remote : new String[] {"https://carrara.example.com", "http://10.0.0.1:8080", "http://128.0.0.1:8080",
                "http://localhost.example.com:8080", "http://[::2]:8080", "http://127.0.0.1.example.com"}) {
            assertThat(Credentials.resolve(URI.create(remote), null, Map.of(), home)).as(remote).isEmpty();
        }
    }

    // ---- server keys

    @Test
    void serverKeysAreSchemeHostAndPortWithTheDefaultPortWritten() {
        assertThat(Credentials.serverKey(URI.create("http://127.0.0.1:8080"))).isEqualTo("http://127.0.0.1:8080");
        assertThat(Credentials.serverKey(URI.create("HTTP://Carrara.Example.COM/"))).isEqualTo("http://carrara.example.com:80");
        assertThat(Credentials.serverKey(URI.create("https://carrara.example.com/api/v1?x=1"))).isEqualTo("https://carrara.example.com:443");
        assertThat(Credentials.serverKey(URI.create("https://carrara.example.com:443/"))).isEqualTo("https://carrara.example.com:443");
        assertThat(Credentials.serverKey(URI.create("http://[::1]:8080/"))).isEqualTo("http://[::1]:8080");
    }

    @Test
    void localhostAndItsAddressesAreDistinctServers() {
        Credentials.save(URI.create("http://localhost:8080"), "for-localhost", "alice", Map.of(), home);

        assertThat(Credentials.resolve(URI.create("http://localhost:8080/"), null, Map.of(), home)).contains("for-localhost");
        assertThat(Credentials.resolve(URI.create("http://127.0.0.1:8080"), null, Map.of(), home)).isEmpty();
        assertThat(Credentials.resolve(URI.create("http://[::1]:8080"), null, Map.of(), home)).isEmpty();
        assertThat(Credentials.resolve(URI.create("http://localhost:8081"), null, Map.of(), home)).isEmpty();
    }

    @Test
    void aUrlThatIsNoHttpServerIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Credentials.serverKey(URI.create("ftp://example.com")))
                .isInstanceOf(CarraraException.class).hasMessageContaining("ftp://example.com");
    }

    // ---- saving

    @Test
    void savingWritesTheEntryOwnerOnly() throws IOException {
        Path file = Credentials.save(URI.create("http://127.0.0.1:8080/"), "secret-1", "alice", Map.of(), home);

        assertThat(file).isEqualTo(home.resolve(".config/carrara/credentials.json"));
        JsonNode entry = JSON.readTree(file.toFile()).path("servers").path("http://127.0.0.1:8080");
        assertThat(entry.path("token").asText()).isEqualTo("secret-1");
        assertThat(entry.path("user").asText()).isEqualTo("alice");
        assertThat(Instant.parse(entry.path("savedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).containsExactly(file);
        }
    }

    @Test
    void anExistingFileIsMadeOwnerOnlyWhenSavedAgain() throws IOException {
        Path file = Credentials.file(Map.of(), home);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"servers\": {}}");
        assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Credentials.save(LOCAL, "secret", "alice", Map.of(), home);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void savingKeepsTheOtherServersEntriesAndReplacesItsOwn() throws IOException {
        Path file = Credentials.file(Map.of(), home);
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"servers": {"https://carrara.example.com:443": {"token": "remote", "user": "bob", "savedAt": "2026-01-01T00:00:00Z"},
                             "http://127.0.0.1:8080": {"token": "old", "user": "alice"}},
                 "other": "kept"}""");

        Credentials.save(LOCAL, "new", "carol", Map.of(), home);

        JsonNode root = JSON.readTree(file.toFile());
        assertThat(root.path("other").asText()).isEqualTo("kept");
        assertThat(root.path("servers").path("https://carrara.example.com:443").path("user").asText()).isEqualTo("bob");
        assertThat(Credentials.resolve(REMOTE, null, Map.of(), home)).contains("remote");
        assertThat(Credentials.resolve(LOCAL, null, Map.of(), home)).contains("new");
        assertThat(root.path("servers").path("http://127.0.0.1:8080").path("user").asText()).isEqualTo("carol");
    }

    @Test
    void aCorruptFileGivesNoTokenAndIsNotOverwritten() throws IOException {
        Path file = Credentials.file(Map.of(), home);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"servers\": {\"http://127.0.0.1:8080\": {\"token\": \"half");
        writeAdminToken(home.resolve(".carrara"), "admin-secret");

        assertThat(Credentials.resolve(LOCAL, null, Map.of(), home)).contains("admin-secret");
        assertThat(Credentials.resolve(REMOTE, null, Map.of(), home)).isEmpty();
        assertThatThrownBy(() -> Credentials.save(LOCAL, "secret", "alice", Map.of(), home))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining(file.toString())
                .hasMessageNotContaining("secret");
        assertThat(Files.readString(file)).endsWith("\"half");
    }

    @Test
    void aFileOfTheWrongShapeGivesNoTokenAndIsNotOverwritten() throws IOException {
        Path file = Credentials.file(Map.of(), home);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[\"not\", \"a\", \"credentials file\"]");

        assertThat(Credentials.resolve(REMOTE, null, Map.of(), home)).isEmpty();
        assertThatThrownBy(() -> Credentials.save(REMOTE, "secret", "alice", Map.of(), home))
                .isInstanceOf(CarraraException.class).hasMessageContaining(file.toString());
        assertThat(Files.readString(file)).startsWith("[");
    }

    @Test
    void forgettingRemovesOnlyThatServersEntry() {
        Credentials.save(LOCAL, "local", "alice", Map.of(), home);
        Credentials.save(REMOTE, "remote", "alice", Map.of(), home);

        assertThat(Credentials.forget(URI.create("http://127.0.0.1:8080/"), Map.of(), home)).isTrue();
        assertThat(Credentials.forget(LOCAL, Map.of(), home)).isFalse();
        assertThat(Credentials.resolve(LOCAL, null, Map.of(), home)).isEmpty();
        assertThat(Credentials.resolve(REMOTE, null, Map.of(), home)).contains("remote");
    }

    @Test
    void anEmptyFileIsReplacedBySaving() throws IOException {
        Path file = Credentials.file(Map.of(), home);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "  \n");

        Credentials.save(LOCAL, "local", "alice", Map.of(), home);

        assertThat(Credentials.resolve(LOCAL, null, Map.of(), home)).contains("local");
    }

    @Test
    void anEmptyTokenIsNotSaved() {
        assertThatThrownBy(() -> Credentials.save(LOCAL, " ", "alice", Map.of(), home)).isInstanceOf(CarraraException.class);
        assertThat(Credentials.file(Map.of(), home)).doesNotExist();
    }

    // ---- the client

    @Test
    void theClientNeverShowsItsToken() {
        CarraraClient client = CarraraClient.builder(LOCAL).token(" carrara_s3cret\n").build();
        CarraraClient anonymous = CarraraClient.builder(LOCAL).token(Optional.<String>empty().orElse(null)).build();

        assertThat(client.hasToken()).isTrue();
        assertThat(client.toString()).doesNotContain("s3cret").contains("token=***");
        assertThat(anonymous.hasToken()).isFalse();
        assertThat(CarraraClient.builder(LOCAL).token("  ").build().hasToken()).isFalse();
        assertThatThrownBy(() -> CarraraClient.builder(LOCAL).token("carrara_ s3cret"))
                .isInstanceOf(CarraraException.class).hasMessageNotContaining("s3cret");
    }

    @Test
    void theClientSendsItsTokenAsABearerAndKeepsItOutOfErrors() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> authorization = new AtomicReference<>();
        server.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            // A careless server (or proxy) echoing the header it refused.
            byte[] body = ("{\"code\": \"UNAUTHENTICATED\", \"number\": 15, \"type\": \"UNAUTHENTICATED\","
                    + " \"message\": \"token " + authorization.get() + " is revoked\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            CarraraClient client = CarraraClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                    .token("carrara_s3cret").build();

            assertThatThrownBy(() -> client.access().whoami())
                    .isInstanceOfSatisfying(CarraraClientException.class, e -> {
                        assertThat(e.code()).isEqualTo("UNAUTHENTICATED");
                        assertThat(e.httpStatus()).isEqualTo(401);
                    })
                    .hasMessageNotContaining("s3cret");
            assertThat(authorization.get()).isEqualTo("Bearer carrara_s3cret");
        } finally {
            server.stop(0);
        }
    }

    private static void writeAdminToken(Path directory, String token) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("admin-token"), token);
    }
}
