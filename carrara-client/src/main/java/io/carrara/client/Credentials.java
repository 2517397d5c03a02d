package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a client finds its API token, by the rules the CLI and the Python SDK share; the first found wins:
 * <ol>
 *   <li>the token given explicitly (the CLI's {@code --token});
 *   <li>{@code $CARRARA_TOKEN};
 *   <li>the server's entry in the credentials file {@code carrara login} writes, {@link #file}:
 *       {@code $CARRARA_CONFIG_DIR/credentials.json}, else {@code $XDG_CONFIG_HOME/carrara/credentials.json},
 *       else {@code ~/.config/carrara/credentials.json};
 *   <li>for a server on this machine only (localhost, 127.0.0.0/8, ::1), the admin token the embedded
 *       server writes on its first start, {@code $CARRARA_HOME/admin-token} (else {@code ~/.carrara/admin-token}).
 * </ol>
 * The file holds one entry per server, keyed by {@link #serverKey}:
 * <pre>{@code
 * {"servers": {"http://127.0.0.1:8080": {"token": "carrara_...", "user": "alice", "savedAt": "2026-12-07T05:00:00Z"}}}
 * }</pre>
 * Environment and home directory are arguments so that a test, or an application with its own
 * settings, decides them.
 */
public final class Credentials {
    public static final String TOKEN_VARIABLE = "CARRARA_TOKEN";
    public static final String CONFIG_DIR_VARIABLE = "CARRARA_CONFIG_DIR";
    public static final String XDG_CONFIG_HOME_VARIABLE = "XDG_CONFIG_HOME";
    public static final String HOME_VARIABLE = "CARRARA_HOME";
    public static final String FILE_NAME = "credentials.json";
    public static final String ADMIN_TOKEN_FILE_NAME = "admin-token";

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    private Credentials() {}

    /** The token to use with {@code server}, found by the rules above, or empty to call without one. */
    public static Optional<String> resolve(URI server, String explicitToken, Map<String, String> environment, Path userHome) {
        requireNonNull(server, "server is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(userHome, "userHome is null");
        if (explicitToken != null && !explicitToken.isBlank()) {
            return Optional.of(explicitToken.strip());
        }
        String fromEnvironment = environment.get(TOKEN_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(fromEnvironment.strip());
        }
        Optional<String> saved = savedToken(server, file(environment, userHome));
        if (saved.isPresent()) {
            return saved;
        }
        if (isLoopback(server)) {
            return adminToken(adminTokenFile(environment, userHome));
        }
        return Optional.empty();
    }

    /**
     * Saves {@code token} for {@code server} in the credentials file, keeping the other servers' entries,
     * and answers the file. The directory is created owner-only (0700), the file written whole to a
     * temporary file and moved in place, readable by its owner alone (0600). A file that is not valid
     * credentials JSON is left alone: the error names it, to be fixed or removed.
     */
    public static Path save(URI server, String token, String user, Map<String, String> environment, Path userHome) {
        requireNonNull(server, "server is null");
        if (token == null || token.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "the token to save is empty", "token");
        }
        Path file = file(environment, userHome);
        ObjectNode root = readForUpdate(file);
        JsonNode servers = root.get("servers");
        ObjectNode entries = servers instanceof ObjectNode object ? object : root.putObject("servers");
        ObjectNode entry = JSON.createObjectNode();
        entry.put("token", token.strip());
        if (user != null) {
            entry.put("user", user);
        }
        entry.put("savedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        entries.set(serverKey(server), entry);
        write(file, root);
        return file;
    }

    /** Removes the server's entry from the credentials file, keeping the others; answers whether there was one. */
    public static boolean forget(URI server, Map<String, String> environment, Path userHome) {
        String key = serverKey(server);
        Path file = file(environment, userHome);
        if (!Files.exists(file)) {
            return false;
        }
        ObjectNode root = readForUpdate(file);
        if (!(root.get("servers") instanceof ObjectNode entries) || entries.remove(key) == null) {
            return false;
        }
        write(file, root);
        return true;
    }

    /** The credentials file: {@code $CARRARA_CONFIG_DIR/credentials.json}, else under {@code $XDG_CONFIG_HOME/carrara}, else {@code ~/.config/carrara}. */
    public static Path file(Map<String, String> environment, Path userHome) {
        requireNonNull(environment, "environment is null");
        requireNonNull(userHome, "userHome is null");
        String configDir = environment.get(CONFIG_DIR_VARIABLE);
        if (configDir != null && !configDir.isBlank()) {
            return Path.of(configDir).resolve(FILE_NAME);
        }
        String xdg = environment.get(XDG_CONFIG_HOME_VARIABLE);
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg).resolve("carrara").resolve(FILE_NAME);
        }
        return userHome.resolve(".config").resolve("carrara").resolve(FILE_NAME);
    }

    /** The embedded server's admin token file: {@code $CARRARA_HOME/admin-token}, else {@code ~/.carrara/admin-token}. */
    public static Path adminTokenFile(Map<String, String> environment, Path userHome) {
        requireNonNull(environment, "environment is null");
        requireNonNull(userHome, "userHome is null");
        String home = environment.get(HOME_VARIABLE);
        Path directory = home != null && !home.isBlank() ? Path.of(home) : userHome.resolve(".carrara");
        return directory.resolve(ADMIN_TOKEN_FILE_NAME);
    }

    /**
     * The key of a server in the credentials file: {@code scheme://host:port}, lower-case, the default
     * port written out (80, 443), no path and no trailing slash. {@code localhost}, {@code 127.0.0.1} and
     * {@code [::1]} stay distinct keys: a token saved for one is not sent to another name.
     */
    public static String serverKey(URI server) {
        requireNonNull(server, "server is null");
        String scheme = server.getScheme() == null ? null : server.getScheme().toLowerCase(Locale.ROOT);
        if (!("http".equals(scheme) || "https".equals(scheme)) || server.getHost() == null) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "server '" + server + "' is not an http(s) URL like http://localhost:8080", "server");
        }
        int port = server.getPort() != -1 ? server.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + server.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** Whether the server's host names this machine by loopback: {@code localhost}, 127.0.0.0/8 or ::1. No DNS lookup. */
    public static boolean isLoopback(URI server) {
        String host = server.getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || IPV4_LOOPBACK.matcher(host).matches()) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]") && host.indexOf(':') >= 0) {
            try {
                // A bracketed IPv6 literal: getByName parses it without asking DNS.
                return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    // ---- reading

    private static Optional<String> savedToken(URI server, Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            // An unreadable or damaged file gives no token; carrara login says what is wrong with it.
            JsonNode token = root == null ? null : root.path("servers").path(serverKey(server)).get("token");
            if (token != null && token.isTextual() && !token.asText().isBlank()) {
                return Optional.of(token.asText().strip());
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<String> adminToken(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static ObjectNode readForUpdate(Path file) {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw Transport.localFailure("cannot read the credentials file " + file, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INVALID_ARGUMENT, "the credentials file " + file + " is not valid JSON ("
                    + e.getOriginalMessage() + "); fix it or remove it, then log in again", "credentials");
        } catch (IOException e) {
            throw Transport.localFailure("cannot read the credentials file " + file, e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            // An empty file: nothing to keep.
            return JSON.createObjectNode();
        }
        if (!(root instanceof ObjectNode object) || (object.has("servers") && !object.get("servers").isObject())) {
            throw new CarraraException(INVALID_ARGUMENT, "the credentials file " + file
                    + " is not a credentials file ({\"servers\": {...}}); fix it or remove it, then log in again",
                    "credentials");
        }
        return object;
    }

    // ---- writing

    private static void write(Path file, ObjectNode root) {
        Path directory = file.toAbsolutePath().getParent();
        boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temporary = null;
        try {
            if (!Files.isDirectory(directory)) {
                if (posix) {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                } else {
                    Files.createDirectories(directory);
                }
            }
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
                    : new FileAttribute<?>[0];
            // Written beside its destination, so the move is a rename: a reader sees the old file or the new one.
            temporary = Files.createTempFile(directory, "." + FILE_NAME + ".", ".tmp", attributes);
            try (OutputStream out = Files.newOutputStream(temporary)) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(out, root);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
            if (posix) {
                Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
            }
        } catch (IOException e) {
            throw Transport.localFailure("cannot write the credentials file " + file, e);
        } finally {
            if (temporary != null) {
                Transport.deleteQuietly(temporary);
            }
        }
    }
}
