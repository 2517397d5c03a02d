package io.carrara.server.access;

import io.carrara.api.access.CreatedToken;
import io.carrara.api.access.User;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's first admin: on a start with no users the server creates {@value AccessStore#ADMIN}, a
 * server admin, and writes a token of it to {@code <home>/admin-token}, readable only by the server's user, where
 * the CLI and the Python SDK on the same machine find it. On later starts the file is kept while its token is
 * good for more than a day, and replaced otherwise (expired, revoked, deleted), as long as the admin is enabled.
 */
public final class AdminBootstrap {
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    public static final String FILE_NAME = "admin-token";
    static final Duration LIFETIME = Duration.ofDays(365);

    private AdminBootstrap() {}

    /** Makes sure an admin exists and {@code home/admin-token} holds a good token of it; answers the file. */
    public static Optional<Path> ensure(AccessStore store, Path home) {
        Path file = home.resolve(FILE_NAME);
        if (!store.hasUsers()) {
            store.createUser(AccessStore.ADMIN, true, List.of(), "carrara");
            log.atInfo().setMessage("created the server admin").addKeyValue("user", AccessStore.ADMIN).log();
        }
        if (Files.isRegularFile(file)) {
            try {
                String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
                Optional<AccessStore.TokenOwner> owner = store.findToken(secret);
                if (owner.isPresent() && owner.get().token().revokedAt() == null && !owner.get().user().disabled()
                        && owner.get().token().expiresAt().isAfter(Instant.now().plus(Duration.ofDays(1)))) {
                    log.atInfo().setMessage("the admin token is in " + file).addKeyValue("file", file).log();
                    return Optional.of(file);
                }
            } catch (IOException e) {
                log.atWarn().setMessage("cannot read the admin token; writing a new one").addKeyValue("file", file)
                        .addKeyValue("error", e.getMessage()).log();
            }
        }
        Optional<User> admin = store.findUser(AccessStore.ADMIN);
        if (admin.isEmpty() || !admin.get().admin() || admin.get().disabled()) {
            log.atInfo().setMessage("no admin token written: the user 'admin' is not an enabled server admin; use the"
                    + " tokens of the users you created").log();
            return Optional.empty();
        }
        CreatedToken token = store.createToken(AccessStore.ADMIN, "admin-token file of " + home.getFileName(), LIFETIME, null, null);
        try {
            write(file, token.secret());
        } catch (IOException e) {
            store.revokeToken(token.token().id());
            throw new IllegalStateException("cannot write the admin token to " + file + ": " + e.getMessage(), e);
        }
        log.atInfo().setMessage("wrote a token of the server admin to " + file + " (readable by this user only); the CLI"
                + " and the Python SDK on this machine use it").addKeyValue("file", file)
                .addKeyValue("expiresAt", token.token().expiresAt()).log();
        return Optional.of(file);
    }

    /** Writes {@code text} to {@code file} readable and writable by its owner only, replacing it at once. */
    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temporary = posix
                ? Files.createTempFile(file.getParent(), ".admin-token", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(file.getParent(), ".admin-token", ".tmp");
        try {
            Files.writeString(temporary, text + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
